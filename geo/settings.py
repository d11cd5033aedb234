"""Settings, one frozen dataclass per concern, each default written once here.

geo never reads the environment: the web app builds a ``Settings`` once from its configuration
(``web.config.settings_from``) and hands each service the values it needs; a notebook or script
builds one from keyword arguments, or passes the values directly.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .domain import DEFAULT_TIMEZONE

# werkzeug's password hashing method string; tests configure a cheap one (e.g. "pbkdf2:sha256:1").
PASSWORD_HASH_METHOD = "scrypt"
# The longest span of local days an incident series counts (one bucket a day): about 10 years.
SERIES_MAX_DAYS = 3_660


@dataclass(frozen=True)
class ZoneLimits:
    """Sensible size of an area drawn on the dispatcher's map (m², measured on the spheroid), and
    the most positions (vertices, all rings together) one polygon given to kuzet may have."""

    min_area_m2: float = 2_000.0
    max_area_m2: float = 50_000_000.0  # 50 km²
    max_vertices: int = 5_000


@dataclass(frozen=True)
class MapSettings:
    """Where the maps open, how many features a page draws, and the basemap.

    An empty ``tiles_url`` means no basemap, so a page requests nothing outside this server.
    """

    center: tuple[float, float] = (43.25, 76.92)
    zoom: int = 11
    feature_limit: int = 10_000
    tiles_url: str = ""
    tiles_attribution: str = "© OpenStreetMap contributors"


@dataclass(frozen=True)
class Settings:
    """Everything kuzet is configured with beyond Flask's own keys.

    ``timezone`` is the zone local times are read and shown in; by default the zone the regime
    reads its legal dates in (``geo.domain.DEFAULT_TIMEZONE``).
    """

    database_url: str = "postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet"
    timezone: str = DEFAULT_TIMEZONE
    zone_limits: ZoneLimits = field(default_factory=ZoneLimits)
    map: MapSettings = field(default_factory=MapSettings)
    password_hash_method: str = PASSWORD_HASH_METHOD
    series_max_days: int = SERIES_MAX_DAYS
