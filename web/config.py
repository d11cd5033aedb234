"""The web app's configuration: defaults, each overridable by a ``KUZET_``-prefixed environment
variable, and the one place kuzet's keys are read into a ``geo.settings.Settings``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from geo.settings import MapSettings, Settings, ZoneLimits

_DEFAULT = Settings()

DEFAULTS = {
    "DATABASE_URL": _DEFAULT.database_url,
    # Basemap tiles; empty means no basemap, so the page requests nothing outside this server.
    "TILES_URL": _DEFAULT.map.tiles_url,
    "TILES_ATTRIBUTION": _DEFAULT.map.tiles_attribution,
    "SECRET_KEY": "dev-only-change-me",
    "TIMEZONE": _DEFAULT.timezone,
    "MAP_CENTER": list(_DEFAULT.map.center),
    "MAP_ZOOM": _DEFAULT.map.zoom,
    "MAP_FEATURE_LIMIT": _DEFAULT.map.feature_limit,
    "BABEL_DEFAULT_LOCALE": "en",
    # Sensible size of an area drawn on the dispatcher's map (m², measured on the spheroid).
    "ZONE_MIN_AREA_M2": _DEFAULT.zone_limits.min_area_m2,
    "ZONE_MAX_AREA_M2": _DEFAULT.zone_limits.max_area_m2,
    # The most vertices one polygon sent to kuzet (a drawn area, an analysis area) may have.
    "ZONE_MAX_VERTICES": _DEFAULT.zone_limits.max_vertices,
    # The longest span of days an incident series counts (one bucket a day).
    "SERIES_MAX_DAYS": _DEFAULT.series_max_days,
    # Flask's own: the largest request body in bytes (413 beyond it); 1 MiB holds the largest zone.
    "MAX_CONTENT_LENGTH": 1024 * 1024,
    # How passwords are hashed (werkzeug's method string); sign-in reads the method from each hash.
    "PASSWORD_HASH_METHOD": _DEFAULT.password_hash_method,
}


def settings_from(config: Mapping[str, Any]) -> Settings:
    """The settings a Flask configuration holds (values from the environment arrive as JSON)."""
    return Settings(
        database_url=config["DATABASE_URL"],
        timezone=config["TIMEZONE"],
        zone_limits=ZoneLimits(min_area_m2=float(config["ZONE_MIN_AREA_M2"]),
                               max_area_m2=float(config["ZONE_MAX_AREA_M2"]),
                               max_vertices=int(config["ZONE_MAX_VERTICES"])),
        map=MapSettings(center=tuple(config["MAP_CENTER"]), zoom=int(config["MAP_ZOOM"]),
                        feature_limit=int(config["MAP_FEATURE_LIMIT"]), tiles_url=config["TILES_URL"] or "",
                        tiles_attribution=config["TILES_ATTRIBUTION"]),
        password_hash_method=config["PASSWORD_HASH_METHOD"],
        series_max_days=int(config["SERIES_MAX_DAYS"]),
    )


def settings(app: Flask | None = None) -> Settings:
    """The settings of ``app`` (default: the current app), built once by ``create_app``."""
    return (app or current_app).extensions["kuzet"]


def zone_name() -> str:
    """The zone local times are read and shown in (the ``TIMEZONE`` setting)."""
    return settings().timezone
