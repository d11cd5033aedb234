"""The overview map of every layer."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from geo import services

from ..auth import current_principal
from ..config import settings
from ..db import get_session
from . import bp, render


@bp.get("/")
def index():
    """The map of every layer the signed-in user may see."""
    config = settings()
    pages = services.map_layers(get_session(), viewer=current_principal(), limit=config.map.feature_limit)
    folium_map = render.build_map(pages, render.MapOptions.from_settings(config))
    return render_template("map.html", title=_("Map"), parts=render.components(folium_map))
