"""The JSON/GeoJSON API under /api/v1."""
from __future__ import annotations

from flask import Blueprint

from .bodies import IdConverter

bp = Blueprint("api", __name__, url_prefix="/api/v1")


@bp.record_once
def _bounded_ids(state) -> None:
    """Every ``<int:...>`` path id of the app fits PostgreSQL's integer; a larger one is a 404.

    Recorded before the routes below, so it is in place when they (and later blueprints) are added.
    """
    state.app.url_map.converters["int"] = IdConverter


from . import analysis, dispatch, layers, my, openapi, plans, reports, zones  # noqa: E402,F401  (routes register on bp)
