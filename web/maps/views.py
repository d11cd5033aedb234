"""The overview map of every layer."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from geo import services

from ..auth import current_principal
from ..formats import reader_locale
from ..config import settings
from ..db import get_session
from . import bp, frames, render


@bp.get("/")
def index():
    """The map of every layer the signed-in user may see."""
    config = settings()
    viewer = current_principal()
    # Incidents and the layers in render.TILED come from their vector tiles: the page does not grow
    # with them.
    incidents = any(spec.name == "incident" for spec in services.visible_layers(viewer=viewer))
    # Of the tiled layers only the count is read, but for the police units (their stations are
    # drawn from the rows) and, when the map opens fitted to them (no incident tiles), the districts.
    counted = tuple(n for n in render.TILED if n != "police_unit" and (incidents or n != "district"))
    pages = services.map_layers(get_session(), viewer=viewer, limit=config.map.feature_limit, skip=("incident",),
                                locale=reader_locale(), counted=counted, simplify_m=frames.DRAWN_WITHIN_M)
    folium_map = render.build_map(pages, render.MapOptions.from_settings(config),
                                  incident_tiles=config.tiles.points_zoom if incidents else None)
    return render_template("map.html", title=_("Map"), parts=render.components(folium_map))
