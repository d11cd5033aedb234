"""Shift plans: propose the best plan a regime allows for a shift, accept all or some of its items."""
from __future__ import annotations

from flask import jsonify
from flask_babel import gettext

from geo import services
from geo.errors import InvalidInput
from geo.messages import N_, Message
from geo.services import AssignmentRequest, PlanRequest

from ..auth import current_principal
from ..config import regime_name
from ..config import zone_name as _zone
from ..db import get_session
from ..messages import localised
from . import bp
from .bodies import fields, json_object, known
from .dispatch import ASSIGNMENT_FIELDS, OPTIONAL

MAX_ITEMS = 500


@bp.post("/plans")
def propose_plan():
    """Propose a plan for a shift (nothing is stored): items, uncovered demand, shortfalls, GeoJSON targets."""
    services.planning.may_plan(current_principal())
    body = known(json_object(), PlanRequest.JSON_FIELDS, required=("starts_at", "ends_at"))
    asked = PlanRequest.from_json(body, timezone=_zone(), regime_name=regime_name())
    proposal = services.propose_plan(get_session(), asked, viewer=current_principal(), gettext=gettext)
    return jsonify(proposal.as_json(_zone()))


@bp.post("/plans/accept")
def accept_plan():
    """Store plan items through the dispatcher's rules, each on its own: per item stored or refused."""
    items = json_object().get("items")
    if not isinstance(items, list) or not items or len(items) > MAX_ITEMS:
        raise InvalidInput(Message("web.plans.items-list-assignments",
                                   N_("items must be a list of 1 to %(MAX_ITEMS)s assignments"),
                                   MAX_ITEMS=MAX_ITEMS))
    requests = []
    for n, item in enumerate(items):
        if not isinstance(item, dict):
            raise InvalidInput(Message("web.plans.items-object", N_("items[%(n)s] must be an object"), n=n))
        try:
            values = fields(item, ASSIGNMENT_FIELDS, nullable=OPTIONAL, required=(
                "formation_id", "target_kind", "target_id", "activity", "starts_at", "ends_at"))
        except InvalidInput as exc:
            raise InvalidInput(Message("web.plans.items",
                                       N_("items[%(n)s]: %(message)s"),
                                       n=n, message=exc.msg)) from None
        requests.append(AssignmentRequest(**values))
    session = get_session()
    results = services.accept_plan(session, actor=current_principal(), items=requests, gettext=gettext,
                                   regime_name=regime_name())
    session.commit()
    stored = sum(r["stored"] for r in results)
    for r in results:  # an item refused says why in the request's language
        if "error" in r:
            r["error"] = r["message"] = localised(r["error"])
    return jsonify({"results": results, "stored": stored, "refused": len(results) - stored})
