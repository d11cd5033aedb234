"""The formation leader's own shifts (or an individual participant's own item 6 tasks), and their
acknowledgement of one.

A leader sees only their formation's assignments, an individual participant only the tasks given
to them; anything else answers NotFound, like an id that does not exist. Each shift comes with its target's geometry, the supervising officer (name, rank,
unit, phone) and the members on it with their certificate numbers (a participant shows the
certificate on request, Order 641 item 2.2).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry import mapping
from sqlalchemy.orm import Session

from ...access import SHIFT_HOLDERS, Principal, require
from ...db import assignments as qa
from ...db import my_shifts as q
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import Forbidden, InvalidInput, NotFound
from ...messages import N_, Message
from ...regimes import get_regime
from ..accountability.audit import record
from ..routes import route_summaries

LIVE = ("proposed", "confirmed")


@dataclass(frozen=True)
class _Holder:
    """Whose shifts: a leader's formation, or else an individual participant's own."""

    formation_id: int | None
    participant_id: int | None

    def holds(self, a) -> bool:
        if self.formation_id is not None:
            return a.formation_id == self.formation_id
        return a.participant_id == self.participant_id


def _holder(viewer: Principal) -> _Holder:
    require(viewer, *SHIFT_HOLDERS)
    if Role.LEADER in viewer.roles and viewer.formation_id is not None:
        return _Holder(viewer.formation_id, None)
    if Role.PARTICIPANT in viewer.roles and viewer.participant_id is not None:
        return _Holder(None, viewer.participant_id)
    if Role.LEADER in viewer.roles:
        raise Forbidden(Message("shifts.account-leads-no-formation", N_("this account leads no formation")))
    raise Forbidden(Message("shifts.account-no-participant",
                            N_("this account is linked to no individual participant")))


def _iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment is not None else None


def _activity_title(regime: str, code: str) -> str:
    return next((a.title for a in get_regime(regime).activities if a.code == code), code)


def shift_features(session: Session, ids: list[int], *, now: datetime, tz: ZoneInfo,
                   locale: str | None = None) -> list[dict]:
    """The assignments ``ids`` (no access check: the caller made it) as "My shifts" shows them, in that
    order: target, times, officer with phone, members with certificates, acknowledgement, and the
    walking route when one is planned (``route``: line, start, length and minutes; else None)."""
    if not ids:
        return []
    rows = {r.id: r for r in qa.assignment_rows(session, ids=ids, locale=locale)}
    officers = q.officer_cards(session, [r.officer_id for r in rows.values() if r.officer_id is not None])
    members = q.members(session, ids)
    routes = route_summaries(session, ids)
    out = []
    for assignment_id in ids:  # the order the ids came in
        r = rows[assignment_id]
        officer = officers.get(r.officer_id)
        geometry = shapely.from_wkb(bytes(r.geometry)) if r.geometry is not None else None
        out.append({"type": "Feature", "id": r.id,
                    "geometry": mapping(geometry) if geometry is not None else None,
                    "properties": {
                        "id": r.id, "formation_id": r.formation_id, "formation": r.formation_name,
                        "participant_id": r.participant_id, "participant": r.participant_name,
                        "target_kind": r.target_kind, "target_id": r.target_id, "target_name": r.target_name,
                        "activity": r.activity, "regime": r.regime, "activity_title": _activity_title(r.regime, r.activity),
                        "starts_at": _iso(r.starts_at, tz), "ends_at": _iso(r.ends_at, tz),
                        "status": r.status, "status_reason": r.status_reason, "upcoming": r.ends_at > now,
                        "officer": None if officer is None else {
                            "id": officer.id, "name": officer.name, "rank": officer.rank, "unit": officer.unit,
                            "phone": officer.phone},
                        "members": [{"id": m.id, "name": m.full_name, "certificate_number": m.certificate_number,
                                     "certificate_status": m.certificate_status} for m in members.get(r.id, [])],
                        "acknowledged_at": _iso(r.acknowledged_at, tz), "acknowledged_by": r.acknowledged_by,
                        "route": routes.get(r.id)}})
    return out


def my_shifts(session: Session, viewer: Principal, *, now: datetime | None = None, past_limit: int = 20,
              timezone_name: str = DEFAULT_TIMEZONE, locale: str | None = None) -> dict:
    """The leader's formation's upcoming shifts (soonest first), then up to ``past_limit`` past ones
    (latest first), as a FeatureCollection with the formation named (targets in ``locale``'s language).
    For an individual participant: their own tasks, with ``participant`` named and ``formation`` None.

    Examples
    --------
    >>> my_shifts(session, leader)["features"][0]["properties"]["upcoming"]  # doctest: +SKIP
    True
    """
    holder = _holder(viewer)
    now = now or datetime.now(timezone.utc)
    tz = ZoneInfo(timezone_name)
    upcoming = q.assignment_ids(session, holder.formation_id, participant_id=holder.participant_id, ends_after=now)
    past = q.assignment_ids(session, holder.formation_id, participant_id=holder.participant_id,
                            ended_before=now, limit=past_limit)
    formation = participant = None
    if holder.formation_id is not None:
        formation = {"id": holder.formation_id, "name": q.formation_name(session, holder.formation_id)}
    else:
        participant = {"id": holder.participant_id, "name": q.participant_name(session, holder.participant_id)}
    return {"type": "FeatureCollection", "formation": formation, "participant": participant,
            "features": shift_features(session, upcoming + past, now=now, tz=tz, locale=locale)}


def my_shift(session: Session, viewer: Principal, assignment_id: int, *, now: datetime | None = None,
             timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """One of the leader's (or individual participant's) shifts; NotFound for anyone else's."""
    holder = _holder(viewer)
    if q.assignment_ids_of(session, holder.formation_id, [assignment_id],
                           participant_id=holder.participant_id) != [assignment_id]:
        raise NotFound(Message("not-found.assignment",
                               N_("no assignment %(assignment_id)s"),
                               assignment_id=assignment_id))
    [feature] = shift_features(session, [assignment_id], now=now or datetime.now(timezone.utc),
                          tz=ZoneInfo(timezone_name))
    return feature


def acknowledge_assignment(session: Session, actor: Principal, assignment_id: int, *,
                           now: datetime | None = None, timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """The leader (or individual participant) acknowledges a live shift of theirs that has not ended (recorded once,
    audited); acknowledging again changes nothing."""
    holder = _holder(actor)
    now = now or datetime.now(timezone.utc)
    a = q.lock_assignment(session, assignment_id)
    if a is None or not holder.holds(a):
        raise NotFound(Message("not-found.assignment",
                               N_("no assignment %(assignment_id)s"),
                               assignment_id=assignment_id))
    if a.acknowledged_at is None:
        if a.status not in LIVE:
            raise InvalidInput(Message("shifts.assignment-there-nothing",
                                       N_("assignment %(a_id)s is %(status)s; there is nothing to acknowledge"),
                                       a_id=a.id, status=a.status))
        if a.shift.upper <= now:
            raise InvalidInput(Message("shifts.shift-assignment-has",
                                       N_("the shift of assignment %(a_id)s has ended"),
                                       a_id=a.id))
        q.acknowledge(session, a.id, user_id=actor.user_id, at=now)
        record(session, actor, "acknowledge", "assignment", a.id,
               {"acknowledged_at": None, "acknowledged_by": None},
               {"acknowledged_at": now, "acknowledged_by": actor.user_id})
    return my_shift(session, actor, assignment_id, now=now, timezone_name=timezone_name)
