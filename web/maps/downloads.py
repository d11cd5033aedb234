"""The downloads page: every layer the user may read as a GeoPackage or GeoJSON file, and for the
police staff the incidents of a selection."""
from __future__ import annotations

from flask import render_template
from flask_babel import gettext as _

from geo import services
from geo.access import POLICE_STAFF, may

from ..auth import current_principal
from ..db import get_session
from ..formats import reader_locale
from . import bp


@bp.get("/downloads")
def downloads():
    """Links to each readable layer's GeoPackage and GeoJSON file; a selection form for incidents."""
    viewer = current_principal()
    choices = None
    if may(viewer, POLICE_STAFF):
        choices = services.selection_choices(get_session(), viewer=viewer, locale=reader_locale())
    return render_template("downloads.html", title=_("Downloads"),
                           layers=services.visible_layers(viewer=viewer), choices=choices)
