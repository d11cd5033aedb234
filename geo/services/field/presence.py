"""Presence on a shift with consent (issue 17.2): check in and out, the participant's location
consent, the positions their phone sends while checked in, and the dosage they add up to.

Who checks in is the signed-in account's own participant: an individual participant's row, or for a
leader's account the participant linked to it (``user_account.participant_id``), else the
formation's recorded leader (``formation.leader_id``); they must hold the assignment (its
individual participant, a member on it, or its formation's leader). Without consent only the
check-in and check-out times are stored. Who sees positions: ``geo.rules.presence.may_see_positions``;
the dosage figures go to whoever may read the assignment.
"""
from __future__ import annotations

import math
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...access import SHIFT_HOLDERS, Principal, require
from ...db import presence as q
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import Conflict, Forbidden, InvalidInput, NotFound, RuleViolation
from ...messages import N_, Message
from ...regimes import DEFAULT_REGIME, get_regime
from ...rules.messages import Gettext, plain
from ...rules.presence import (AssignmentHolder, PositionFacts, ShiftFacts, check_in_allowed, may_see_positions,
                               position_violations)
from ...settings import PresenceSettings
from ..accountability.audit import record
from ..dispatch.assignments import assignment_feature
from ..dosage import dosage_of

# The version of the consent statement the page shows (stored with each consent record).
STATEMENT = "presence-consent-v1"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def own_participant(session: Session, actor: Principal) -> int:
    """The participant the signed-in shift holder is (Forbidden for other roles or an unlinked account)."""
    require(actor, *SHIFT_HOLDERS)
    if actor.participant_id is not None:
        return actor.participant_id
    leader = q.formation_leader(session, actor.formation_id) if Role.LEADER in actor.roles else None
    if leader is None:
        raise Forbidden(Message("presence.no-participant", N_(
            "your account is linked to no participant, so it cannot check in; ask an administrator to link it")))
    return leader


def _not_found(assignment_id: int) -> NotFound:
    return NotFound(Message("not-found.assignment", N_("no assignment %(assignment_id)s"), assignment_id=assignment_id))


def _own_assignment(session: Session, actor: Principal, assignment_id: int, participant_id: int, *, lock: bool = False):
    a = q.assignment_for_presence(session, assignment_id, lock=lock)
    if a is None or not q.on_assignment(session, a, participant_id):
        raise _not_found(assignment_id)
    return a


def _shift(a) -> ShiftFacts:
    return ShiftFacts(a.starts_at, a.ends_at, a.status in q.LIVE)


def _refuse(violations, gettext: Gettext) -> None:
    if violations:
        raise RuleViolation(Message("presence.refused", N_("refused; nothing was stored")), violations)


def consent_state(session: Session, actor: Principal, *, timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """Whether the actor's participant consents to sending their location, since when."""
    participant_id = own_participant(session, actor)
    row = q.consent(session, participant_id)
    return {"participant_id": participant_id, "given": bool(row and row.given),
            "at": _iso(row.at, timezone_name) if row else None}


def set_location_consent(session: Session, actor: Principal, *, given: bool, settings: PresenceSettings,
                         now: datetime | None = None, timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """Record that the participant gives (or withdraws) consent to send their location while checked
    in; a withdrawal stops sending on every shift at once. Recorded by the participant themself
    (their own session), with the statement's version and the retention in force; audited."""
    participant_id = own_participant(session, actor)
    if actor.user_id is None:
        raise Forbidden(Message("presence.consent-own", N_("consent is recorded only by the participant themself")))
    now = now or _now()
    row = q.record_consent(session, participant_id=participant_id, given=given, user_id=actor.user_id, at=now,
                           statement=STATEMENT, retention_days=settings.retention_days)
    if not given:
        q.stop_tracking_everywhere(session, participant_id)
    record(session, actor, "consent-given" if given else "consent-withdrawn", "participant", participant_id, None,
           {"statement": STATEMENT, "retention_days": settings.retention_days})
    return {"participant_id": participant_id, "given": given, "at": _iso(row.at, timezone_name)}


def _iso(moment: datetime | None, timezone_name: str = DEFAULT_TIMEZONE) -> str | None:
    """A moment in ISO 8601 in the area's zone (a page shows its clock as it stands)."""
    return moment.astimezone(ZoneInfo(timezone_name)).isoformat() if moment else None


def _presence_dict(row, consent: bool, timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    if row is None:
        return {"checked_in_at": None, "checked_out_at": None, "tracking": False, "consent": consent}
    return {"checked_in_at": _iso(row.checked_in_at, timezone_name),
            "checked_out_at": _iso(row.checked_out_at, timezone_name),
            "tracking": bool(row.tracking), "consent": consent}


def my_presence(session: Session, actor: Principal, assignment_ids: list[int], *,
                timezone_name: str = DEFAULT_TIMEZONE) -> dict[int, dict]:
    """The actor's check-in state on each of their ``assignment_ids`` (for the phone page); empty when
    the account is linked to no participant."""
    try:
        participant_id = own_participant(session, actor)
    except Forbidden:
        return {}
    row = q.consent(session, participant_id)
    given = bool(row and row.given)
    found = q.presences(session, assignment_ids, participant_id)
    return {i: _presence_dict(found.get(i), given, timezone_name) for i in assignment_ids}


def check_in(session: Session, actor: Principal, assignment_id: int, *, settings: PresenceSettings,
             regime_name: str = DEFAULT_REGIME, gettext: Gettext = plain, now: datetime | None = None,
             timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """Check the actor's participant in on a shift they hold (within the shift and its grace);
    sending starts at once when their consent is in force. Conflict when already checked in."""
    participant_id = own_participant(session, actor)
    now = now or _now()
    a = _own_assignment(session, actor, assignment_id, participant_id, lock=True)
    _refuse(check_in_allowed(_shift(a), now, get_regime(regime_name), settings, _=gettext), gettext)
    if q.presence(session, assignment_id, participant_id) is not None:
        raise Conflict(Message("presence.already-in", N_("you are already checked in on this shift")))
    consent = q.consent(session, participant_id)
    row = q.check_in(session, assignment_id=assignment_id, participant_id=participant_id, at=now,
                     user_id=actor.user_id, tracking=bool(consent and consent.given))
    record(session, actor, "check-in", "assignment", assignment_id, None, {"participant_id": participant_id})
    return _presence_dict(row, bool(consent and consent.given), timezone_name)


def check_out(session: Session, actor: Principal, assignment_id: int, *, settings: PresenceSettings,
              regime_name: str = DEFAULT_REGIME, gettext: Gettext = plain, now: datetime | None = None,
              timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """Check out (sending stops); Conflict when not checked in or already out."""
    participant_id = own_participant(session, actor)
    now = now or _now()
    a = _own_assignment(session, actor, assignment_id, participant_id, lock=True)
    row = q.presence(session, assignment_id, participant_id, lock=True)
    if row is None or row.checked_out_at is not None:
        raise Conflict(Message("presence.not-in", N_("you are not checked in on this shift")))
    shift = _shift(a)
    _refuse(check_in_allowed(ShiftFacts(shift.starts_at, shift.ends_at, True), now, get_regime(regime_name),
                             settings, _=gettext), gettext)
    row.checked_out_at = max(now, row.checked_in_at)
    row.tracking = False
    session.flush()
    record(session, actor, "check-out", "assignment", assignment_id, None, {"participant_id": participant_id})
    consent = q.consent(session, participant_id)
    return _presence_dict(row, bool(consent and consent.given), timezone_name)


def set_tracking(session: Session, actor: Principal, assignment_id: int, *, on: bool,
                 timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """Stop (or start again) sending the location on a shift one is checked in on; starting needs consent."""
    participant_id = own_participant(session, actor)
    _own_assignment(session, actor, assignment_id, participant_id)
    row = q.presence(session, assignment_id, participant_id, lock=True)
    if row is None or row.checked_out_at is not None:
        raise Conflict(Message("presence.not-in", N_("you are not checked in on this shift")))
    consent = q.consent(session, participant_id)
    given = bool(consent and consent.given)
    if on and not given:
        raise Conflict(Message("presence.no-consent", N_(
            "give your consent first: without it only check-in and check-out are stored")))
    row.tracking = on
    session.flush()
    return _presence_dict(row, given, timezone_name)


def _number(value, name: str) -> float:
    try:
        number = float(value)
    except (TypeError, ValueError):
        number = math.nan
    if not math.isfinite(number):
        raise InvalidInput(Message("options.number", N_("%(name)s must be a number"), name=name))
    return number


def record_position(session: Session, actor: Principal, assignment_id: int, *, lon, lat, accuracy_m, at: datetime,
                    participant_id: int | None = None, settings: PresenceSettings,
                    regime_name: str = DEFAULT_REGIME, gettext: Gettext = plain,
                    now: datetime | None = None, timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """Store one position of the actor's own participant on a shift they are checked in on, or raise
    with every rule it breaks (``geo.rules.presence.position_violations``; nothing stored)."""
    own = own_participant(session, actor)
    lon, lat, accuracy_m = _number(lon, "lon"), _number(lat, "lat"), _number(accuracy_m, "accuracy_m")
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(Message("board.point", N_("lon must lie in -180..180 and lat in -90..90")))
    now = now or _now()
    regime = get_regime(regime_name)
    a = _own_assignment(session, actor, assignment_id, own)
    row = q.presence(session, assignment_id, own, lock=True)
    consent = q.consent(session, own)
    previous = q.previous_position(session, assignment_id, own, lon, lat)
    facts = PositionFacts(
        own=participant_id is None or participant_id == own, shift=_shift(a), at=at, now=now, accuracy_m=accuracy_m,
        consent=bool(consent and consent.given), checked_in_at=row.checked_in_at if row else None,
        checked_out_at=row.checked_out_at if row else None, tracking=bool(row and row.tracking),
        previous_at=previous.at if previous else None,
        previous_distance_m=float(previous.distance_m) if previous else None)
    _refuse(position_violations(facts, regime, settings, _=gettext), gettext)
    try:
        with session.begin_nested():
            position_id = q.add_position(session, assignment_id=assignment_id, participant_id=own, at=at, lon=lon,
                                         lat=lat, accuracy_m=accuracy_m)
    except IntegrityError:
        raise Conflict(Message("presence.duplicate", N_("a position at this time is stored already"))) from None
    return {"id": position_id, "assignment_id": assignment_id, "participant_id": own, "at": _iso(at, timezone_name), "lon": lon, "lat": lat,
            "accuracy_m": accuracy_m}


def assignment_presence(session: Session, viewer: Principal, assignment_id: int, *, settings: PresenceSettings,
                        timezone_name: str = DEFAULT_TIMEZONE, now: datetime | None = None) -> dict:
    """An assignment's check-ins and dosage for whoever may read it (NotFound otherwise, like an id that
    does not exist), and its positions only for those ``may_see_positions`` admits (else None)."""
    assignment_feature(session, assignment_id, viewer=viewer, timezone=timezone_name)
    a = q.assignment_for_presence(session, assignment_id)
    shown = may_see_positions(viewer, AssignmentHolder(a.formation_id, a.participant_id, a.officer_id))
    checks = [{"participant_id": c.participant_id, "checked_in_at": _iso(c.checked_in_at, timezone_name),
               "checked_out_at": _iso(c.checked_out_at, timezone_name),
               "tracking": bool(c.tracking)} for c in q.check_ins(session, assignment_id)]
    positions = None
    if shown:
        positions = [{"participant_id": p.participant_id, "at": _iso(p.at, timezone_name), "lon": p.lon, "lat": p.lat,
                      "accuracy_m": p.accuracy_m} for p in q.positions(session, assignment_id)]
    return {"assignment_id": assignment_id, "check_ins": checks, "positions": positions,
            "dosage": dosage_of(session, [assignment_id], settings=settings, now=now)[assignment_id]}


def reduce_old_positions(session: Session, *, settings: PresenceSettings, now: datetime | None = None) -> tuple[int, int]:
    """``kuzet db prune``: the positions older than the retention are first reduced into their
    assignments' dosage figures (from all their positions; an assignment reduced before keeps its
    figures), then deleted. Returns (assignments reduced now, positions deleted)."""
    now = now or _now()
    cutoff = now - timedelta(days=settings.retention_days)
    ids = q.assignments_with_positions_before(session, cutoff)
    live = q.live_dosage(session, ids, now=now, gap_s=settings.gap_min * 60, tolerance_m=settings.route_tolerance_m,
                         place_radius_m=settings.place_radius_m, grace_s=settings.grace_min * 60)
    reduced = q.keep_dosage(session, list(live.values()), now)
    return reduced, q.drop_positions_before(session, cutoff)
