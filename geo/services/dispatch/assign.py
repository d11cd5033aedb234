"""Dispatch: assign formations (items 7-8), or one individual participant for an item 6 task, to
targets for a shift under police supervision.

Every path that stores or changes an assignment runs the regime's rules first and stores nothing
when any is broken; the database's EXCLUDE constraint settles races the rules cannot see. Only
planners (``geo.access.PLANNERS``) propose, change and cancel; supervisors sign off what lies in
their unit's jurisdiction. Each change is written to the audit log with before and after.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...access import PLANNERS, Principal, require, signing_officer
from ...db import dispatch as q
from ...db import scopes
from ...db import assignment_writes as w
from ...db.models import Assignment, Formation, Officer, Participant
from ...domain import (AssignmentFacts, CertificateStatus, FormationFacts, HomeAreaFacts, HomeAreaOverride,
                      MemberFacts, Notification, OfficerFacts, RegistrationStatus, Shift, TargetFacts,
                      TargetKind, Violation)
from ...errors import Conflict, InvalidInput, NotFound, RuleViolation
from ...messages import N_, Message
from ...regimes import DEFAULT_REGIME, Regime, get_regime
from ...rules import check_assignment
from ...rules.messages import Gettext, cited, plain
from ...rules.participants import eligible_members
from ...visibility import scope_of
from ..accountability.audit import record

@dataclass(frozen=True)
class AssignmentRequest:
    """What a dispatcher asks for; ``member_ids=None`` puts every eligible member on the shift.

    The assignee is a formation (``formation_id``) or one individual participant (``participant_id``,
    an item 6 task): exactly one of the two.
    """

    formation_id: int | None
    target_kind: str
    target_id: int
    activity: str
    starts_at: datetime
    ends_at: datetime
    officer_id: int | None = None
    member_ids: tuple[int, ...] | None = None
    override_officer_id: int | None = None
    override_reason: str | None = None
    participant_id: int | None = None

    def shift(self) -> Shift:
        try:
            return Shift(self.starts_at, self.ends_at)
        except ValueError as exc:
            raise InvalidInput(Message("assign.shift", N_("shift: %(exc)s"), exc=exc)) from None


def _target(session: Session, kind: str, target_id: int) -> q.TargetRow:
    if kind not in q.TARGET_MODELS:
        raise InvalidInput(Message("assign.unknown-target-kind",
                                   N_("unknown target kind %(kind)r; kinds are: %(TARGET_MODELS)s"),
                                   kind=kind, TARGET_MODELS=', '.join(q.TARGET_MODELS)))
    row = q.target_row(session, kind, target_id)
    if row is None:
        raise NotFound(Message("assign.no-target", N_("no %(kind)s %(target_id)s"),
                               kind=kind.replace("_", " "), target_id=target_id))
    return row


def _member_facts(p: Participant) -> MemberFacts:
    return MemberFacts(p.id, p.full_name, RegistrationStatus(p.registration_status), p.birth_date,
                       CertificateStatus(p.certificate_status) if p.certificate_status else None,
                       p.legal_training_on)


def _individual_facts(p: Participant) -> FormationFacts:
    return FormationFacts(p.id, p.full_name, is_collective=False, participation_form=p.participation_form)


def _formation_facts(f: Formation) -> FormationFacts:
    notification = (Notification(f.notified_unit_id, f.notified_on, f.notification_ref,
                                 unit_name=f.notified_unit_name or "", home_area_share=f.notified_share)
                    if f.notified_unit_id is not None else None)
    return FormationFacts(f.id, f.name, is_collective=True, notification=notification, base_type=f.base_type,
                          base_address=f.base_address, base_in_home_area=f.base_in_home_area)


def _officer_facts(session: Session, officer: Officer, shift: Shift, unit_ids: tuple[int, ...]) -> OfficerFacts:
    duty = q.officer_duty(session, [officer.id], shift).get(officer.id, ())
    return OfficerFacts(officer.id, officer.name, officer.active, officer.police_unit_id,
                        officer.police_unit_id in unit_ids, duty, officer.service)


def _members(session: Session, formation: Formation, shift: Shift, member_ids, regime: Regime):
    current = q.current_members(session, formation.id, shift.local_date(regime.timezone))
    if member_ids is None:
        return tuple(eligible_members([_member_facts(p) for p in current], shift.local_date(regime.timezone),
                                      regime))
    ids = tuple(dict.fromkeys(int(i) for i in member_ids))
    known = {p.id: p for p in current}
    strangers = [i for i in ids if i not in known]
    if strangers:
        raise InvalidInput(Message("assign.participant-are-not-members",
                                   N_("participant(s) %(strangers)s are not members of %(formation_name)s on the "
                                      "shift date"),
                                   strangers=', '.join(map(str, strangers)), formation_name=formation.name))
    return tuple(_member_facts(known[i]) for i in ids)


@dataclass(frozen=True)
class _Assignee:
    """Who a request names, as the rules see them: a formation or a lone participant."""

    facts: FormationFacts
    home_area: HomeAreaFacts | None
    overlapping: tuple[int, ...]
    members: tuple[MemberFacts, ...]


def _assignee(session: Session, request: AssignmentRequest, shift: Shift, target: q.TargetRow, regime: Regime,
              exclude_id: int | None) -> _Assignee:
    if (request.formation_id is None) == (request.participant_id is None):
        raise InvalidInput(Message("assign.one-assignee",
                                   N_("name exactly one of formation_id (a formation) or participant_id "
                                      "(an individual participant)")))
    if request.participant_id is not None:
        person = q.participant(session, request.participant_id)
        if person is None:
            raise NotFound(Message("not-found.participant", N_("no participant %(participant_id)s"),
                                   participant_id=request.participant_id))
        if request.member_ids is not None and tuple(request.member_ids) != (person.id,):
            raise InvalidInput(Message("assign.individual-members",
                                       N_("an individual participant's task has no other members; leave "
                                          "member_ids out")))
        overlapping = q.overlapping_assignments(session, [person.id], shift, exclude_id=exclude_id,
                                                individual=True)
        return _Assignee(_individual_facts(person), None, overlapping.get(person.id, ()), (_member_facts(person),))
    formation = session.get(Formation, request.formation_id)
    if formation is None:
        raise NotFound(Message("not-found.formation",
                               N_("no formation %(formation_id)s"),
                               formation_id=request.formation_id))
    inside, distance_m = q.home_area_facts(session, [formation.id], target.kind, target.id)[formation.id]
    overlapping = q.overlapping_assignments(session, [formation.id], shift, exclude_id=exclude_id)
    return _Assignee(_formation_facts(formation), HomeAreaFacts(inside, distance_m),
                     overlapping.get(formation.id, ()),
                     _members(session, formation, shift, request.member_ids, regime))


def build_facts(session: Session, request: AssignmentRequest, regime: Regime, *,
                exclude_id: int | None = None, target: q.TargetRow | None = None,
                unit_ids: tuple[int, ...] | None = None) -> AssignmentFacts:
    """Everything the rules need about one request, computed by PostGIS in a few queries.

    A building block of the use cases here and in :mod:`.options`, which check access first.
    ``target`` and ``unit_ids`` (the units covering it) may be handed in when many formations are
    checked against one target, so they are looked up once. A lone participant (``participant_id``)
    is their own only member and has no home area (item 7 is about formations).
    """
    shift = request.shift()
    if target is None:
        target = _target(session, request.target_kind, request.target_id)
    assignee = _assignee(session, request, shift, target, regime, exclude_id)
    if unit_ids is None:
        unit_ids = q.units_covering(session, target.kind, target.id)
    officer = None
    if request.officer_id is not None:
        row = q.lock_officer(session, request.officer_id)
        if row is None:
            raise NotFound(Message("not-found.officer",
                                   N_("no officer %(officer_id)s"),
                                   officer_id=request.officer_id))
        officer = _officer_facts(session, row, shift, unit_ids)
    override = None
    if request.override_officer_id is not None or request.override_reason:
        override = HomeAreaOverride(request.override_officer_id or 0, (request.override_reason or "").strip())
    formation_id = assignee.facts.id if assignee.facts.is_collective else None
    load = (q.officer_load(session, officer.id, shift, formation_id=formation_id, exclude_id=exclude_id)
            if officer else 0)
    return AssignmentFacts(
        formation=assignee.facts,
        target=TargetFacts(TargetKind(target.kind), target.id, target.name, target.place_kind, target.window),
        activity_code=request.activity, shift=shift, officer=officer, target_unit_ids=unit_ids,
        home_area=assignee.home_area, override=override,
        overlapping_assignment_ids=assignee.overlapping,
        officer_concurrent_formations=load,
        members=assignee.members,
    )


def _refuse(violations: list[Violation]) -> None:
    if violations:
        raise RuleViolation(Message("assign.assignment-breaks-rule",
                                    N_("the assignment breaks %(count)s rule(s) of the regime; nothing was stored"),
                                    count=len(violations)),
                            violations)


def _storable_override(session: Session, override: HomeAreaOverride | None) -> None:
    """An override the rules let pass (the target may lie in the home area anyway) is stored only
    whole: an existing officer and a reason; InvalidInput or NotFound otherwise, nothing stored."""
    if override is None:
        return
    if not override.officer_id or not override.reason:
        raise InvalidInput(Message("assign.home-area-override",
                                   N_("a home-area override needs both override_officer_id and a non-blank "
                                      "override_reason (or neither)")))
    if q.lock_officer(session, override.officer_id) is None:
        raise NotFound(Message("assign.no-officer-override-id",
                               N_("no officer %(officer_id)s (override_officer_id)"),
                               officer_id=override.officer_id))


def assign_formation(session: Session, request: AssignmentRequest, *, actor: Principal,
                     regime_name: str = DEFAULT_REGIME, gettext: Gettext = plain,
                     request_key: str | None = None) -> Assignment:
    """Check every rule and store a proposed assignment, or raise with every violation.

    The same path assigns a formation and, for an item 6 task, one individual participant
    (``request.participant_id``): the regime's rules decide what either may be given.
    Raises ``RuleViolation`` (all broken rules at once, nothing stored), ``Conflict`` when a
    concurrent request booked the formation first (or stored this ``request_key`` of the actor's),
    ``NotFound``/``InvalidInput`` for bad references.

    Examples
    --------
    >>> a = assign_formation(session, AssignmentRequest(3, "event", 2, "8.1", start, end, officer_id=5),
    ...                      actor=SYSTEM)  # doctest: +SKIP
    """
    require(actor, *PLANNERS)
    regime = get_regime(regime_name)
    facts = build_facts(session, request, regime)
    _refuse(check_assignment(facts, regime, gettext=gettext))
    _storable_override(session, facts.override)
    try:
        a = w.insert_assignment(session, facts, regime=regime.name, actor=actor.actor,
                                override=facts.override, request_key=request_key)
    except IntegrityError as exc:
        if "ix_assignment_request_key" in str(exc.orig):  # the same request, stored a moment ago
            raise Conflict(Message("assign.request-stored",
                                   N_("this request was stored a moment ago; nothing more was stored"))) from exc
        raise _conflict(exc, facts, regime, gettext) from exc
    record(session, actor, "create", "assignment", a.id, None, w.snapshot(session, a))
    return a


def _conflict(exc: IntegrityError, facts: AssignmentFacts, regime: Regime, gettext: Gettext) -> Conflict:
    constraint = "assignment_no_double_booking" if facts.formation.is_collective else \
        "assignment_participant_no_double_booking"
    if constraint not in str(exc.orig):
        raise exc
    violation = cited(regime, "no-double-booking", gettext(
        "%(formation)s was booked for an overlapping shift by another request a moment ago.",
        formation=facts.formation.name), gettext)
    if not facts.formation.is_collective:
        return Conflict(Message("assign.participant-already-booked",
                                N_("the participant is already booked for an overlapping shift; nothing was "
                                   "stored")), [violation])
    return Conflict(Message("assign.formation-already-booked",
                            N_("the formation is already booked for an overlapping shift; nothing was stored")),
                    [violation])



def _request_of(a: Assignment, members: tuple[int, ...], **changes) -> AssignmentRequest:
    kind, target_id = a.target
    base = AssignmentRequest(a.formation_id, kind, target_id, a.activity, a.shift.lower, a.shift.upper,
                             a.officer_id, None if a.participant_id is not None else members,
                             a.override_officer_id, a.override_reason, a.participant_id)
    return replace(base, **changes)


def _live(session: Session, assignment_id: int, actor: Principal) -> Assignment:
    """The assignment, locked; NotFound when there is none or ``actor`` may not see it."""
    a = q.lock_assignment(session, assignment_id, visible=scopes.assignment_visible(scope_of(actor)))
    if a is None:
        raise NotFound(Message("not-found.assignment",
                               N_("no assignment %(assignment_id)s"),
                               assignment_id=assignment_id))
    return a


def _changed(session: Session, actor: Principal, action: str, a: Assignment, before: dict) -> Assignment:
    record(session, actor, action, "assignment", a.id, before, w.snapshot(session, a))
    return a


def update_assignment(session: Session, assignment_id: int, *, actor: Principal, gettext: Gettext = plain,
                      **changes) -> Assignment:
    """Change a live assignment (shift, officer, members, override, target); every rule is checked again.

    A confirmed assignment that changes goes back to ``proposed``, for its supervisor to sign off
    again: a design choice (D; the Order says nothing of edits) so no change bypasses item 8.1's
    direct management. The history gets an ``update`` row with before and after.
    """
    require(actor, *PLANNERS)
    a = _live(session, assignment_id, actor)
    if a.status not in q.LIVE:
        raise InvalidInput(Message("assign.assignment-only-proposed",
                                   N_("assignment %(a_id)s is %(status)s; only proposed or confirmed ones can "
                                      "change"),
                                   a_id=a.id, status=a.status))
    allowed = {"target_kind", "target_id", "activity", "starts_at", "ends_at", "officer_id", "member_ids",
               "override_officer_id", "override_reason"}
    unknown = sorted(set(changes) - allowed)
    if unknown:
        raise InvalidInput(Message("assign.cannot-change",
                                   N_("cannot change %(unknown)s"),
                                   unknown=', '.join(unknown)))
    regime = get_regime(a.regime)
    request = _request_of(a, w.member_ids(session, a.id), **changes)
    facts = build_facts(session, request, regime, exclude_id=a.id)
    _refuse(check_assignment(facts, regime, gettext=gettext))
    _storable_override(session, facts.override)
    before = w.snapshot(session, a)
    try:
        w.update_assignment(session, a, facts, actor=actor.actor,
                            status="proposed" if a.status == "confirmed" else None)
    except IntegrityError as exc:
        raise _conflict(exc, facts, regime, gettext) from exc
    return _changed(session, actor, "update", a, before)


def confirm_assignment(session: Session, assignment_id: int, *, actor: Principal, officer_id: int | None = None,
                       gettext: Gettext = plain) -> Assignment:
    """A supervising officer confirms a proposed assignment of their jurisdiction; rules run again.

    A supervisor signs as their own officer; an admin names ``officer_id``. NotFound when the
    assignment lies outside the signing officer's jurisdiction.
    """
    officer_id = signing_officer(actor, officer_id)
    a = _live(session, assignment_id, actor)
    if a.status != "proposed":
        raise InvalidInput(Message("assign.assignment-only-proposed-2",
                                   N_("assignment %(a_id)s is %(status)s; only proposed ones can be confirmed"),
                                   a_id=a.id, status=a.status))
    regime = get_regime(a.regime)
    facts = build_facts(session, _request_of(a, w.member_ids(session, a.id)), regime, exclude_id=a.id)
    _in_jurisdiction(session, officer_id, facts)
    _refuse(check_assignment(facts, regime, gettext=gettext))
    before = w.snapshot(session, a)
    return _changed(session, actor, "confirmed", w.set_status(session, a, "confirmed", actor=actor.actor,
                                                               reason=None), before)


def reject_assignment(session: Session, assignment_id: int, *, actor: Principal, reason: str,
                      officer_id: int | None = None) -> Assignment:
    """A supervising officer rejects a proposed assignment of their jurisdiction, with a reason."""
    officer_id = signing_officer(actor, officer_id)
    a = _live(session, assignment_id, actor)
    if a.status != "proposed":
        raise InvalidInput(Message("assign.assignment-only-proposed-3",
                                   N_("assignment %(a_id)s is %(status)s; only proposed ones can be rejected"),
                                   a_id=a.id, status=a.status))
    if not (reason or "").strip():
        raise InvalidInput(Message("assign.rejection-needs-reason", N_("a rejection needs a reason")))
    regime = get_regime(a.regime)
    facts = build_facts(session, _request_of(a, w.member_ids(session, a.id)), regime, exclude_id=a.id)
    _in_jurisdiction(session, officer_id, facts)
    before = w.snapshot(session, a)
    return _changed(session, actor, "rejected", w.set_status(session, a, "rejected", actor=actor.actor,
                                                              reason=reason.strip()), before)


def cancel_assignment(session: Session, assignment_id: int, *, actor: Principal, reason: str) -> Assignment:
    """Cancel a live assignment, with a reason; the formation (or participant) is free for that shift again."""
    require(actor, *PLANNERS)
    a = _live(session, assignment_id, actor)
    if a.status not in q.LIVE:
        raise InvalidInput(Message("assign.assignment-already",
                                   N_("assignment %(a_id)s is already %(status)s"),
                                   a_id=a.id, status=a.status))
    if not (reason or "").strip():
        raise InvalidInput(Message("assign.cancellation-needs-reason", N_("a cancellation needs a reason")))
    before = w.snapshot(session, a)
    return _changed(session, actor, "cancelled", w.set_status(session, a, "cancelled", actor=actor.actor,
                                                               reason=reason.strip()), before)


def _in_jurisdiction(session: Session, officer_id: int, facts: AssignmentFacts) -> None:
    officer = q.officer(session, officer_id)
    if officer is None:
        raise NotFound(Message("not-found.officer", N_("no officer %(officer_id)s"), officer_id=officer_id))
    if officer.police_unit_id not in facts.target_unit_ids:
        raise NotFound(Message("assign.no-assignment-jurisdiction",
                               N_("no assignment %(name)r in the jurisdiction of %(officer_name)s"),
                               name=facts.target.name, officer_name=officer.name))
