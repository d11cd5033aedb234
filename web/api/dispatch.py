"""Assignments of formations (or, for an item 6 task, of one individual participant) under police
supervision, and what a dispatcher may choose."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext

from geo import services
from geo.services import AssignmentRequest

from ..auth import current_principal
from ..config import regime_name, settings
from ..config import zone_name as _zone
from ..db import get_session
from ..formats import reader_locale
from ..geojson import geojson_response
from . import bp
from .bodies import arg, fields, flag, json_object

ASSIGNMENT_FIELDS = {"formation_id": "int", "participant_id": "int", "target_kind": "text", "target_id": "int", "activity": "text",
                     "starts_at": "moment", "ends_at": "moment", "officer_id": "int", "member_ids": "ints",
                     "override_officer_id": "int", "override_reason": "text"}
OPTIONAL = ("officer_id", "member_ids", "override_officer_id", "override_reason")
# Exactly one of the two names the assignee; the service says so when both or neither are given.
ASSIGNEES = ("formation_id", "participant_id")
DEFAULT_STATUSES = "proposed,confirmed"


@bp.get("/assignments")
def list_assignments():
    """Assignments overlapping ``from``..``to`` as GeoJSON; ``status`` (comma-separated or ``all``)."""
    status = request.args.get("status", DEFAULT_STATUSES)
    collection = services.list_assignments(
        get_session(), viewer=current_principal(), start=arg("from", "moment"), end=arg("to", "moment"),
        statuses=None if status == "all" else services.statuses_of(status or DEFAULT_STATUSES),
        jurisdiction_of=arg("jurisdiction_of", "int"), timezone=_zone(), locale=reader_locale())
    return geojson_response(collection)


@bp.get("/assignments/<int:assignment_id>")
def get_assignment(assignment_id: int):
    """One assignment as a GeoJSON feature."""
    return geojson_response(services.assignment_feature(get_session(), assignment_id, viewer=current_principal(),
                                                        timezone=_zone(), locale=reader_locale()))


@bp.post("/assignments")
def create_assignment():
    """Propose an assignment of a formation or (``participant_id``) an individual participant: 201, or
    422 with every violated rule (nothing stored). With an ``Idempotency-Key`` header, a repeat of the
    key answers the assignment it stored (200) and stores nothing more."""
    values = fields(json_object(), ASSIGNMENT_FIELDS, nullable=OPTIONAL + ASSIGNEES,
                    required=("target_kind", "target_id", "activity", "starts_at", "ends_at"))
    values.setdefault("formation_id", None)
    session = get_session()
    feature, stored = services.propose_feature(session, AssignmentRequest(**values), actor=current_principal(),
                                               gettext=gettext, timezone=_zone(), regime_name=regime_name(),
                                               request_key=request.headers.get("Idempotency-Key"))
    session.commit()
    response = geojson_response(feature, status=201 if stored else 200)
    response.headers["Location"] = url_for("api.get_assignment", assignment_id=feature["id"])
    return response


@bp.patch("/assignments/<int:assignment_id>")
def patch_assignment(assignment_id: int):
    """Change a live assignment; every rule runs again (422 lists the violations)."""
    changes = fields(json_object(), ASSIGNMENT_FIELDS, nullable=OPTIONAL)
    session = get_session()
    feature = services.update_feature(session, assignment_id, actor=current_principal(), gettext=gettext,
                                      timezone=_zone(), **changes)
    session.commit()
    return geojson_response(feature)


@bp.post("/assignments/<int:assignment_id>/confirm")
def confirm_assignment(assignment_id: int):
    """A supervisor of the target's unit confirms a proposed assignment (an admin names ``officer_id``)."""
    officer_id = fields(json_object(), {"officer_id": "int"}, nullable=("officer_id",)).get("officer_id")
    session = get_session()
    feature = services.confirm_feature(session, assignment_id, actor=current_principal(), officer_id=officer_id,
                                       gettext=gettext, timezone=_zone())
    session.commit()
    return geojson_response(feature)


@bp.post("/assignments/<int:assignment_id>/reject")
def reject_assignment(assignment_id: int):
    """A supervisor of the target's unit rejects a proposed assignment, with a reason (an admin names
    ``officer_id``)."""
    values = fields(json_object(), {"officer_id": "int", "reason": "text"}, required=("reason",),
                    nullable=("officer_id",))
    session = get_session()
    feature = services.reject_feature(session, assignment_id, actor=current_principal(),
                                      officer_id=values.get("officer_id"), reason=values["reason"], timezone=_zone())
    session.commit()
    return geojson_response(feature)


@bp.post("/assignments/<int:assignment_id>/cancel")
def cancel_assignment(assignment_id: int):
    """Cancel a live assignment, with a reason."""
    reason = fields(json_object(), {"reason": "text"}, required=("reason",))["reason"]
    session = get_session()
    feature = services.cancel_feature(session, assignment_id, actor=current_principal(), reason=reason,
                                      timezone=_zone())
    session.commit()
    return geojson_response(feature)


@bp.get("/dispatch/options")
def dispatch_options():
    """Allowed activities, ranked formations and supervising officers for a target and shift."""
    return jsonify(services.dispatch_options(
        get_session(), viewer=current_principal(), target_kind=arg("target_kind", "text", required=True),
        target_id=arg("target_id", "int", required=True), starts_at=arg("starts_at", "moment", required=True),
        ends_at=arg("ends_at", "moment", required=True), activity=arg("activity", "text"), gettext=gettext,
        timezone=_zone(), regime_name=regime_name()))


@bp.get("/formations/<int:formation_id>/members")
def formation_members(formation_id: int):
    """The formation's members on ``date`` and whether each may be put on a shift."""
    return jsonify(services.formation_roster(get_session(), formation_id, viewer=current_principal(),
                                             day=arg("date", "date", required=True), gettext=gettext,
                                             regime_name=regime_name()))


@bp.get("/dispatch/board")
def dispatch_board():
    """Every assignment of ``date`` (any status) with its board state and flags, as GeoJSON."""
    return geojson_response(services.dispatch_board(
        get_session(), arg("date", "date", required=True), viewer=current_principal(), timezone=_zone(),
        locale=reader_locale(), gettext=gettext, regime_name=regime_name(), presence=settings().presence))


@bp.get("/dispatch/targets")
def dispatch_targets():
    """The targets within ``radius_m`` of ``lon``/``lat`` on the map of ``date`` (``without_streets=true``: no streets)."""
    return jsonify({"targets": services.targets_at(
        get_session(), viewer=current_principal(), lon=arg("lon", "number", required=True),
        lat=arg("lat", "number", required=True), radius_m=arg("radius_m", "number", required=True),
        day=arg("date", "date", required=True), streets=not flag("without_streets"),
        timezone=_zone(), locale=reader_locale(), gettext=gettext)})


@bp.post("/dispatch/undo")
def dispatch_undo():
    """Undo the signed-in dispatcher's own last action if it is recent (the ``UNDO_WINDOW_S`` setting)."""
    fields(json_object(), {})
    session = get_session()
    answer = services.undo_feature(session, actor=current_principal(), window_s=settings().undo_window_s,
                                   gettext=gettext, timezone=_zone(), locale=reader_locale())
    session.commit()
    return jsonify(answer)
