"""OGC API Features under /ogc: Part 1 Core with GeoJSON, Part 2 CRS, queryables (JSON by default).

Thin views over ``geo.services.layers.collections``; clients that are not browsers (GDAL's OAPIF
driver, QGIS) sign in with a personal API token (``web.auth``).
"""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("ogc", __name__, url_prefix="/ogc")

from . import views  # noqa: E402,F401  (routes register on bp)
