"""The JSON/GeoJSON API under /api/v1."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("api", __name__, url_prefix="/api/v1")

from . import analysis, dispatch, evaluation, exports, knox, layers, my, openapi, plans, presence, reports, routes, zones  # noqa: E402,F401  (routes register on bp)
