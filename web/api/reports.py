"""Field reports: information for the police, not registered crimes (every answer says so in ``note``)."""
from __future__ import annotations

from flask import jsonify, url_for
from flask_babel import gettext

from geo import services

from ..auth import current_principal
from ..config import zone_name as _zone
from ..db import get_session
from . import bp
from .bodies import arg, fields, json_object

REPORT_FIELDS = {"category": "text", "lon": "any", "lat": "any", "observed_at": "moment", "description": "text",
                 "location_source": "text", "assignment_id": "int", "item": "text", "client_key": "text"}


@bp.get("/reports")
def list_reports():
    """Reports the user may see, newest first; ``since`` (ISO time) and ``category`` filter."""
    reports = services.list_reports(get_session(), current_principal(), since=arg("since", "moment"),
                                    category=arg("category", "text"), gettext=gettext, timezone_name=_zone())
    return jsonify({"note": services.report_note(gettext), "reports": reports})


@bp.get("/reports/<int:report_id>")
def get_report(report_id: int):
    """One report; 404 when there is none or the user may not see it."""
    return jsonify(services.report(get_session(), current_principal(), report_id, gettext=gettext,
                                   timezone_name=_zone()))


@bp.post("/reports")
def create_report():
    """File a report: 201, or 400 naming every bad field (nothing stored); a ``client_key`` the user
    filed with before answers that report (200) and stores nothing."""
    # Nothing is required here: the service names every missing or bad field at once.
    values = fields(json_object(), REPORT_FIELDS, nullable=tuple(REPORT_FIELDS))
    session = get_session()
    shown, stored = services.submit_report(
        session, current_principal(), category=values.get("category"), lon=values.get("lon"), lat=values.get("lat"),
        observed_at=values.get("observed_at"), description=values.get("description"),
        location_source=values.get("location_source") or "map", assignment_id=values.get("assignment_id"),
        item=values.get("item"), client_key=values.get("client_key"), gettext=gettext, timezone_name=_zone())
    session.commit()
    response = jsonify(shown)
    response.status_code = 201 if stored else 200
    response.headers["Location"] = url_for("api.get_report", report_id=shown["id"])
    return response
