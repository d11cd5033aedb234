"""Presence on a shift with consent: the participant's consent, check-in/out, sending positions, and
an assignment's check-ins, positions and dosage (issue 17.2)."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

from geo import services
from geo.errors import InvalidInput
from geo.messages import N_, Message

from ..auth import current_principal
from ..config import regime_name, settings, zone_name
from ..db import get_session
from . import bp
from .bodies import fields, json_object, known


def _yes_no(body: dict, name: str) -> bool:
    known(body, (name,), required=(name,))
    if not isinstance(body[name], bool):
        raise InvalidInput(Message("presence.boolean", N_("%(name)s must be true or false"), name=name))
    return body[name]


def _options() -> dict:
    return {"settings": settings().presence, "regime_name": regime_name(), "gettext": gettext,
            "timezone_name": zone_name()}


@bp.get("/my/consent")
def my_consent():
    """Whether the signed-in participant consents to sending their location while checked in."""
    return jsonify(services.consent_state(get_session(), current_principal(), timezone_name=zone_name()))


@bp.post("/my/consent")
def set_my_consent():
    """The signed-in participant gives (``given: true``) or withdraws their consent; recorded, audited."""
    session = get_session()
    given = _yes_no(json_object(), "given")
    shown = services.set_location_consent(session, current_principal(), given=given, settings=settings().presence,
                                          timezone_name=zone_name())
    session.commit()
    return jsonify(shown)


@bp.post("/assignments/<int:assignment_id>/check-in")
def check_in(assignment_id: int):
    """The signed-in participant checks in on a shift they hold (sending starts with their consent)."""
    session = get_session()
    shown = services.check_in(session, current_principal(), assignment_id, **_options())
    session.commit()
    return jsonify(shown)


@bp.post("/assignments/<int:assignment_id>/check-out")
def check_out(assignment_id: int):
    """The signed-in participant checks out (sending stops)."""
    session = get_session()
    shown = services.check_out(session, current_principal(), assignment_id, **_options())
    session.commit()
    return jsonify(shown)


@bp.post("/assignments/<int:assignment_id>/tracking")
def tracking(assignment_id: int):
    """Stop (``on: false``) or start again sending the location on a shift one is checked in on."""
    session = get_session()
    on = _yes_no(json_object(), "on")
    shown = services.set_tracking(session, current_principal(), assignment_id, on=on, timezone_name=zone_name())
    session.commit()
    return jsonify(shown)


@bp.post("/assignments/<int:assignment_id>/positions")
def add_position(assignment_id: int):
    """One position of the signed-in participant (their own session only), checked in, on shift,
    at a plausible speed; 422 with every reason otherwise, nothing stored."""
    body = fields(json_object(), {"lon": "number", "lat": "number", "accuracy_m": "number", "at": "moment",
                                  "participant_id": "int"},
                  required=("lon", "lat", "accuracy_m", "at"))
    session = get_session()
    shown = services.record_position(session, current_principal(), assignment_id, lon=body["lon"], lat=body["lat"],
                                     accuracy_m=body["accuracy_m"], at=body["at"],
                                     participant_id=body.get("participant_id"), **_options())
    session.commit()
    return jsonify(shown), 201


@bp.get("/assignments/<int:assignment_id>/presence")
def assignment_presence(assignment_id: int):
    """An assignment's check-ins and dosage (whoever may read it) and its positions (only its
    formation or participant, its supervising officer, dispatchers and admins; else null)."""
    return jsonify(services.assignment_presence(get_session(), current_principal(), assignment_id,
                                                settings=settings().presence, timezone_name=zone_name()))
