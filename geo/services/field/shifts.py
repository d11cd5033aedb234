"""The formation leader's own shifts, and their acknowledgement of one.

A leader sees only their formation's assignments; anything else answers NotFound, like an id that
does not exist. Each shift comes with its target's geometry, the supervising officer (name, rank,
unit, phone) and the members on it with their certificate numbers (a participant shows the
certificate on request, Order 641 item 2.2).
"""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry import mapping
from sqlalchemy.orm import Session

from ...access import Principal, require
from ...db import assignments as qa
from ...db import my_shifts as q
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import Forbidden, InvalidInput, NotFound
from ...messages import N_, Message
from ...regimes import get_regime
from ..accountability.audit import record

LIVE = ("proposed", "confirmed")


def _formation(viewer: Principal) -> int:
    require(viewer, Role.LEADER)
    if viewer.formation_id is None:
        raise Forbidden(Message("shifts.account-leads-no-formation", N_("this account leads no formation")))
    return viewer.formation_id


def _iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment is not None else None


def _activity_title(regime: str, code: str) -> str:
    return next((a.title for a in get_regime(regime).activities if a.code == code), code)


def _features(session: Session, ids: list[int], *, now: datetime, tz: ZoneInfo,
              locale: str | None = None) -> list[dict]:
    if not ids:
        return []
    rows = {r.id: r for r in qa.assignment_rows(session, ids=ids, locale=locale)}
    officers = q.officer_cards(session, [r.officer_id for r in rows.values() if r.officer_id is not None])
    members = q.members(session, ids)
    out = []
    for assignment_id in ids:  # the order the ids came in
        r = rows[assignment_id]
        officer = officers.get(r.officer_id)
        geometry = shapely.from_wkb(bytes(r.geometry)) if r.geometry is not None else None
        out.append({"type": "Feature", "id": r.id,
                    "geometry": mapping(geometry) if geometry is not None else None,
                    "properties": {
                        "id": r.id, "formation_id": r.formation_id, "formation": r.formation_name,
                        "target_kind": r.target_kind, "target_id": r.target_id, "target_name": r.target_name,
                        "activity": r.activity, "activity_title": _activity_title(r.regime, r.activity),
                        "starts_at": _iso(r.starts_at, tz), "ends_at": _iso(r.ends_at, tz),
                        "status": r.status, "status_reason": r.status_reason, "upcoming": r.ends_at > now,
                        "officer": None if officer is None else {
                            "id": officer.id, "name": officer.name, "rank": officer.rank, "unit": officer.unit,
                            "phone": officer.phone},
                        "members": [{"id": m.id, "name": m.full_name, "certificate_number": m.certificate_number,
                                     "certificate_status": m.certificate_status} for m in members.get(r.id, [])],
                        "acknowledged_at": _iso(r.acknowledged_at, tz), "acknowledged_by": r.acknowledged_by}})
    return out


def my_shifts(session: Session, viewer: Principal, *, now: datetime | None = None, past_limit: int = 20,
              timezone_name: str = DEFAULT_TIMEZONE, locale: str | None = None) -> dict:
    """The leader's formation's upcoming shifts (soonest first), then up to ``past_limit`` past ones
    (latest first), as a FeatureCollection with the formation named (targets in ``locale``'s language).

    Examples
    --------
    >>> my_shifts(session, leader)["features"][0]["properties"]["upcoming"]  # doctest: +SKIP
    True
    """
    formation_id = _formation(viewer)
    now = now or datetime.now(timezone.utc)
    tz = ZoneInfo(timezone_name)
    upcoming = q.assignment_ids(session, formation_id, ends_after=now)
    past = q.assignment_ids(session, formation_id, ended_before=now, limit=past_limit)
    return {"type": "FeatureCollection",
            "formation": {"id": formation_id, "name": q.formation_name(session, formation_id)},
            "features": _features(session, upcoming + past, now=now, tz=tz, locale=locale)}


def my_shift(session: Session, viewer: Principal, assignment_id: int, *, now: datetime | None = None,
             timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """One of the leader's shifts; NotFound for another formation's."""
    formation_id = _formation(viewer)
    if q.assignment_ids_of(session, formation_id, [assignment_id]) != [assignment_id]:
        raise NotFound(Message("not-found.assignment",
                               N_("no assignment %(assignment_id)s"),
                               assignment_id=assignment_id))
    [feature] = _features(session, [assignment_id], now=now or datetime.now(timezone.utc),
                          tz=ZoneInfo(timezone_name))
    return feature


def acknowledge_assignment(session: Session, actor: Principal, assignment_id: int, *,
                           now: datetime | None = None, timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """The leader acknowledges a live shift of their formation that has not ended (recorded once,
    audited); acknowledging again changes nothing."""
    formation_id = _formation(actor)
    now = now or datetime.now(timezone.utc)
    a = q.lock_assignment(session, assignment_id)
    if a is None or a.formation_id != formation_id:
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
