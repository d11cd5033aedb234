"""The supervisor's review of proposals before signing off (issue 16 §2): for each proposed
assignment of the officer's jurisdiction, the facts as they stand now.

Every rule of the assignment's regime is run again on facts built afresh (members, bookings and
duty change after a proposal is made), the same way :func:`~.assign.confirm_assignment` will run
them; beside them the members with their certificates, the other live assignments at the target
in overlapping shifts (two formations at one place at one time is worth a look), and how many
formations the officer supervises at that time against the regime's limit. Reads only.
"""
from __future__ import annotations

from collections import defaultdict
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ...access import Principal
from ...db import assignments as qa
from ...db import dispatch as q
from ...db import scopes
from ...db import supervision as qs
from ...domain import DEFAULT_TIMEZONE
from ...errors import InvalidInput, NotFound
from ...regimes import get_regime
from ...rules.messages import Gettext, plain
from ...rules.results import rule_results
from ...visibility import scope_of
from .assign import _request_of, build_facts
from .assignments import _feature, _iso, supervision_page


def _member(r) -> dict:
    return {"id": r.id, "name": r.full_name, "registration_status": r.registration_status,
            "certificate_number": r.certificate_number, "certificate_status": r.certificate_status}


def _other(r, tz: ZoneInfo) -> dict:
    return {"id": r.id, "formation_id": r.formation_id, "formation": r.formation_name,
            "participant_id": r.participant_id, "participant": r.participant_name, "status": r.status,
            "starts_at": _iso(r.starts_at, tz), "ends_at": _iso(r.ends_at, tz), "officer": r.officer_name}


def _rules(session: Session, assignment, members: tuple[int, ...], gettext: Gettext,
           targets: dict) -> tuple[list[dict], object]:
    """The rule results of one assignment as it stands; ``([], error)`` when its facts can no longer
    be built (a member who left the formation, a target removed): the error says why. ``targets``
    keeps each target's row and covering units, looked up once for the proposals sharing it."""
    regime = get_regime(assignment.regime)
    kind, target_id = assignment.target
    if (kind, target_id) not in targets:
        targets[kind, target_id] = (q.target_row(session, kind, target_id), q.units_covering(session, kind, target_id))
    target, unit_ids = targets[kind, target_id]
    try:
        facts = build_facts(session, _request_of(assignment, members), regime, exclude_id=assignment.id,
                            target=target, unit_ids=unit_ids)
    except (InvalidInput, NotFound) as exc:
        return [], exc.msg
    return [r.as_dict() for r in rule_results(facts, regime, gettext=gettext)], None


def review_proposals(session: Session, *, viewer: Principal, officer_id: int | None = None,
                     gettext: Gettext = plain, timezone: str = DEFAULT_TIMEZONE,
                     locale: str | None = None) -> dict:
    """The supervisor's page: who signs off (:func:`supervision_page`) and each proposed assignment
    of their unit's jurisdiction, by shift start, with the facts to decide on.

    Each proposal holds ``feature`` (the assignment as GeoJSON, its target's geometry), ``rules``
    (every rule checked: ``code``, ``title``, ``item``, ``citation``, ``passed``, ``violations``),
    ``all_passed``, ``facts_error`` (a ``Message`` when the facts cannot be built, else None),
    ``members`` (name, registration, certificate number and status), ``others`` (the other live
    assignments at the target overlapping its shift), ``conflict`` (one of them is another
    formation's) and ``load`` (``formations`` the officer supervises at that time, this one
    included, against ``limit``; None without an officer).

    Examples
    --------
    >>> page = review_proposals(session, viewer=supervisor)  # doctest: +SKIP
    >>> [(p["feature"]["id"], p["all_passed"], p["conflict"]) for p in page["proposals"]]  # doctest: +SKIP
    [(41, True, False), (42, True, True)]
    """
    page = supervision_page(session, viewer=viewer, officer_id=officer_id)
    page["proposals"] = []
    if page["officer"] is None:
        return page
    tz = ZoneInfo(timezone)
    rows = qa.assignment_rows(session, statuses=("proposed",), jurisdiction_unit_id=page["officer"]["unit_id"],
                              visible=scopes.assignment_visible(scope_of(viewer)), locale=locale)
    ids = [r.id for r in rows]
    members, others = defaultdict(list), defaultdict(list)
    for r in qs.members_of(session, ids):
        members[r.assignment_id].append(r)
    for r in qs.others_at_target(session, ids):
        others[r.for_id].append(_other(r, tz))
    loads = qs.officer_loads(session, ids)
    stored = {a.id: a for a in qs.proposals(session, ids)}
    targets: dict = {}
    for r in rows:
        rules, error = _rules(session, stored[r.id], tuple(m.id for m in members[r.id]), gettext, targets)
        mine = others[r.id]
        page["proposals"].append({
            "feature": _feature(r, tz), "rules": rules, "facts_error": error,
            "all_passed": error is None and all(rule["passed"] for rule in rules),
            "members": [_member(m) for m in members[r.id]], "others": mine,
            "conflict": r.formation_id is not None and any(
                o["formation_id"] is not None and o["formation_id"] != r.formation_id for o in mine),
            "load": ({"officer": r.officer_name, "formations": loads.get(r.id, 0),
                      "limit": get_regime(r.regime).max_formations_per_officer}
                     if r.officer_id is not None else None),
        })
    return page
