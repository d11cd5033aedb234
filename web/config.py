"""The web app's configuration: defaults, each overridable by a ``KUZET_``-prefixed environment
variable, and the one place kuzet's keys are read into a ``geo.settings.Settings``."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from geo.settings import DEFAULT_PG_PORT, MapSettings, Settings, ZoneLimits, local_database_url

_DEFAULT = Settings()

DEFAULTS = {
    # Empty means the project-local cluster on PG_PORT (scripts/pg.sh runs it there).
    "DATABASE_URL": "",
    "PG_PORT": DEFAULT_PG_PORT,
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
    # How passwords are hashed (werkzeug's method string); sign-in reads the method from each hash.
    "PASSWORD_HASH_METHOD": _DEFAULT.password_hash_method,
}


def settings_from(config: Mapping[str, Any]) -> Settings:
    """The settings a Flask configuration holds (values from the environment arrive as JSON)."""
    return Settings(
        database_url=config["DATABASE_URL"] or local_database_url(config["PG_PORT"]),
        timezone=config["TIMEZONE"],
        zone_limits=ZoneLimits(min_area_m2=float(config["ZONE_MIN_AREA_M2"]),
                               max_area_m2=float(config["ZONE_MAX_AREA_M2"])),
        map=MapSettings(center=tuple(config["MAP_CENTER"]), zoom=int(config["MAP_ZOOM"]),
                        feature_limit=int(config["MAP_FEATURE_LIMIT"]), tiles_url=config["TILES_URL"] or "",
                        tiles_attribution=config["TILES_ATTRIBUTION"]),
        password_hash_method=config["PASSWORD_HASH_METHOD"],
    )


def settings(app: Flask | None = None) -> Settings:
    """The settings of ``app`` (default: the current app), built once by ``create_app``."""
    return (app or current_app).extensions["kuzet"]


def zone_name() -> str:
    """The zone local times are read and shown in (the ``TIMEZONE`` setting)."""
    return settings().timezone
