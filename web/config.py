"""Defaults of the web app; each can be overridden by a ``KUZET_``-prefixed environment variable."""
from __future__ import annotations

DEFAULTS = {
    "DATABASE_URL": "postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet",
    # Basemap tiles; empty means no basemap, so the page requests nothing outside this server.
    "TILES_URL": "",
    "TILES_ATTRIBUTION": "© OpenStreetMap contributors",
    "SECRET_KEY": "dev-only-change-me",
    "TIMEZONE": "Asia/Almaty",
    "MAP_CENTER": [43.25, 76.92],
    "MAP_ZOOM": 11,
    "MAP_FEATURE_LIMIT": 10_000,
    "BABEL_DEFAULT_LOCALE": "en",
    # Sensible size of an area drawn on the dispatcher's map (m², measured on the spheroid).
    "ZONE_MIN_AREA_M2": 2_000.0,
    "ZONE_MAX_AREA_M2": 50_000_000.0,
}
