"""The overview map of every layer (placeholder until the map page lands)."""
from __future__ import annotations

from flask import render_template

from . import bp


@bp.get("/")
def index():
    """The map of all layers."""
    return render_template("error.html", status=200, message="map page under construction")
