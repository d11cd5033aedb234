"""What a dispatcher may choose for one target and shift: activities, formations, individual
participants (for an item 6 type), officers, members.

Planners only (``geo.access.PLANNERS``); a formation's roster is also open to its own leader.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ...access import PLANNERS, ROSTER_READERS, Principal, require
from ...db import dispatch as q
from ...db import scopes
from ...domain import OfficerFacts, ParticipationForm
from ...errors import NotFound
from ...messages import N_, Message
from ...regimes import DEFAULT_REGIME, get_regime
from ...rules import OfficerCapacity, default_activity, eligible_activities, officer_capacity, rank_formations
from ...rules.messages import Gettext, plain, service_label
from ...rules.participants import member_violations
from ...rules.supervision import covered_by
from ...visibility import scope_of
from .assign import AssignmentRequest, _member_facts, _target, build_facts


def candidate_formations(session: Session, *, viewer: Principal, target_kind: str, target_id: int,
                         activity: str, starts_at: datetime, ends_at: datetime, regime_name: str = DEFAULT_REGIME,
                         gettext: Gettext = plain) -> list:
    """Every formation for one target and shift, eligible first; ineligible ones say why.

    The officer is not chosen yet, so ``police-supervision`` is left to ``supervising_officers``.
    """
    require(viewer, *PLANNERS)
    regime = get_regime(regime_name)
    target = _target(session, target_kind, target_id)  # the same for every formation: looked up once
    unit_ids = q.units_covering(session, target.kind, target.id)
    candidates = []
    for formation in q.formations(session):
        request = AssignmentRequest(formation.id, target_kind, target_id, activity, starts_at, ends_at)
        candidates.append(build_facts(session, request, regime, target=target, unit_ids=unit_ids))
    return rank_formations(candidates, regime, gettext=gettext, skip=("police-supervision",))


def candidate_individuals(session: Session, *, viewer: Principal, target_kind: str, target_id: int,
                          activity: str, starts_at: datetime, ends_at: datetime, regime_name: str = DEFAULT_REGIME,
                          gettext: Gettext = plain) -> list[dict]:
    """The participants who recorded an individual form (``regime.individual_forms``) for an item 6
    type at one target and shift, eligible first; ineligible ones say why (the same rules as a
    formation's, ``police-supervision`` left to the officer). None for a collective (item 8) type.
    """
    require(viewer, *PLANNERS)
    regime = get_regime(regime_name)
    chosen = regime.activity(activity)
    if chosen is None or chosen.form != ParticipationForm.INDIVIDUAL:
        return []
    target = _target(session, target_kind, target_id)
    unit_ids = q.units_covering(session, target.kind, target.id)
    candidates = [build_facts(session, AssignmentRequest(None, target_kind, target_id, activity, starts_at, ends_at,
                                                         participant_id=p.id), regime, target=target,
                              unit_ids=unit_ids)
                  for p in q.individual_participants(session, regime.individual_forms)]
    fits = rank_formations(candidates, regime, gettext=gettext, skip=("police-supervision",))
    return [{"participant_id": f.formation_id, "name": f.name, "eligible": f.eligible,
             "failed_codes": list(f.failed_codes), "violations": [v.as_dict() for v in f.violations]}
            for f in fits]


def officer_capacities(session: Session, *, viewer: Principal, target_kind: str, target_id: int,
                       starts_at: datetime, ends_at: datetime, regime_name: str = DEFAULT_REGIME,
                       gettext: Gettext = plain) -> list[tuple[dict, OfficerCapacity]]:
    """Officers of the units covering the target, as ``supervising_officers`` lists them, each with
    their capacity for the shift (``geo.rules.officer_capacity``)."""
    require(viewer, *PLANNERS)
    regime = get_regime(regime_name)
    shift = AssignmentRequest(0, target_kind, target_id, "", starts_at, ends_at).shift()
    target = _target(session, target_kind, target_id)
    unit_ids = q.units_covering(session, target.kind, target.id)
    officers = q.officers_of_units(session, unit_ids)
    duty = q.officer_duty(session, [o.id for o in officers], shift)
    out = []
    for o in officers:
        facts = OfficerFacts(o.id, o.name, o.active, o.police_unit_id, True, duty.get(o.id, ()), o.service)
        load = q.officer_load(session, o.id, shift, formation_id=None)
        capacity = officer_capacity(facts, shift, regime, concurrent_formations=load, _=gettext)
        out.append(({"id": o.id, "name": o.name, "rank": o.rank, "unit_id": o.police_unit_id,
                     "active": o.active, "on_duty": covered_by(shift, facts.duty), "formations_at_once": load,
                     "service": o.service, "service_label": service_label(o.service, gettext),
                     "can_supervise": capacity.may_supervise,
                     "reasons": [v.message for v in capacity.reasons]}, capacity))
    return sorted(out, key=lambda pair: (not pair[1].may_supervise, pair[0]["name"]))


def supervising_officers(session: Session, *, viewer: Principal, target_kind: str, target_id: int,
                         starts_at: datetime, ends_at: datetime, regime_name: str = DEFAULT_REGIME,
                         gettext: Gettext = plain) -> list[dict]:
    """Officers of the units covering the target, with whether they are active, on duty all shift,
    and below their load of formations (the checks ``police-supervision`` makes), and why not."""
    return [o for o, _capacity in officer_capacities(
        session, viewer=viewer, target_kind=target_kind, target_id=target_id, starts_at=starts_at,
        ends_at=ends_at, regime_name=regime_name, gettext=gettext)]


def _activity_dict(a, gettext: Gettext) -> dict:
    return {"code": a.code, "item": a.item, "title": gettext(a.title), "form": str(a.form),
            "needs_supervisor": a.needs_supervisor}


def dispatch_options(session: Session, *, viewer: Principal, target_kind: str, target_id: int,
                     starts_at: datetime, ends_at: datetime, activity: str | None = None,
                     regime_name: str = DEFAULT_REGIME, gettext: Gettext = plain, timezone: str | None = None) -> dict:
    """For one target and shift: the activities it allows, the formations ranked eligible first
    (ineligible ones with their violations), for an item 6 type the individual participants ranked
    alike, and the officers of the covering units (who can supervise).

    ``activity`` defaults to the first collective type the target allows. Raises ``NotFound`` or
    ``InvalidInput`` for an unknown target or a bad shift.
    """
    require(viewer, *PLANNERS)
    regime = get_regime(regime_name)
    tz = ZoneInfo(timezone or regime.timezone)
    shift = AssignmentRequest(0, target_kind, target_id, "", starts_at, ends_at).shift()
    target = _target(session, target_kind, target_id)
    activities = eligible_activities(regime, target.kind, target.place_kind)
    chosen = activity or default_activity(regime, target.kind, target.place_kind)
    formations, individuals = [], []
    if chosen:
        formations = [f.as_dict() for f in candidate_formations(
            session, viewer=viewer, target_kind=target.kind, target_id=target.id, activity=chosen,
            starts_at=shift.start,
            ends_at=shift.end, regime_name=regime.name, gettext=gettext)]
        individuals = candidate_individuals(
            session, viewer=viewer, target_kind=target.kind, target_id=target.id, activity=chosen,
            starts_at=shift.start, ends_at=shift.end, regime_name=regime.name, gettext=gettext)
    officers = supervising_officers(session, viewer=viewer, target_kind=target.kind, target_id=target.id,
                                    starts_at=shift.start, ends_at=shift.end, regime_name=regime.name,
                                    gettext=gettext)
    window = ({"starts_at": target.window.start.astimezone(tz).isoformat(),
               "ends_at": target.window.end.astimezone(tz).isoformat()} if target.window else None)
    return {"target": {"kind": target.kind, "id": target.id, "name": target.name,
                       "place_kind": target.place_kind, "window": window},
            "shift": {"starts_at": shift.start.astimezone(tz).isoformat(),
                      "ends_at": shift.end.astimezone(tz).isoformat()},
            "activity": chosen, "activities": [_activity_dict(a, gettext) for a in activities],
            "formations": formations, "individuals": individuals, "officers": officers}


def formation_roster(session: Session, formation_id: int, *, viewer: Principal, day: date,
                     regime_name: str = DEFAULT_REGIME, gettext: Gettext = plain) -> dict:
    """The members of a formation on ``day``, each with whether they may be put on a shift and why not.

    Planners see every formation's, a leader their own; NotFound for one the viewer may not see.
    """
    require(viewer, *ROSTER_READERS)
    formation = q.formation(session, formation_id, visible=scopes.formation_visible(scope_of(viewer)))
    if formation is None:
        raise NotFound(Message("not-found.formation",
                               N_("no formation %(formation_id)s"), formation_id=formation_id))
    regime = get_regime(regime_name)
    members = []
    for p in q.current_members(session, formation.id, day):
        problems = member_violations(_member_facts(p), day, regime, _=gettext)
        members.append({"id": p.id, "name": p.full_name, "eligible": not problems,
                        "leader": p.id == formation.leader_id,
                        "violations": [v.as_dict() for v in problems]})
    return {"formation_id": formation.id, "name": formation.name, "date": day.isoformat(), "members": members}
