"""The dosage of assignments (issue 17.2): minutes inside the target, visits and the share of the
route walked, from the positions stored or from the figures old positions were reduced to.

A read on its own, apart from ``field.presence``, so the board and the quarterly report can use it
without importing the field package (whose sheets import the dispatcher's services)."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ..db import presence as q
from ..settings import PresenceSettings


def _dosage_dict(row, *, reduced: bool) -> dict:
    has_route = row.route_share is not None if reduced else bool(row.has_route)
    sent = int(row.positions) > 0
    return {"minutes_inside": round(float(row.minutes_inside), 1) if sent else None,
            "visits": int(row.visits) if sent else None,
            "route_share": (None if row.route_share is None else round(float(row.route_share), 3)) if sent or not has_route
            else 0.0,
            "has_route": has_route, "minutes_checked_in": round(float(row.minutes_checked_in), 1),
            "positions": int(row.positions), "reduced": reduced}


def dosage_of(session: Session, assignment_ids: list[int], *, settings: PresenceSettings,
              now: datetime | None = None) -> dict[int, dict]:
    """The dosage of each assignment: the figures its positions were reduced to, or computed from the
    positions stored now. ``minutes_inside`` and ``visits`` are None when no position was sent
    (no consent: only ``minutes_checked_in`` counts); ``route_share`` None when it has no route."""
    stored = q.stored_dosage(session, assignment_ids)
    live = q.live_dosage(session, [i for i in assignment_ids if i not in stored], now=now or datetime.now(timezone.utc),
                         gap_s=settings.gap_min * 60, tolerance_m=settings.route_tolerance_m,
                         place_radius_m=settings.place_radius_m, grace_s=settings.grace_min * 60)
    out = {i: _dosage_dict(d, reduced=True) for i, d in stored.items()}
    out.update({i: _dosage_dict(d, reduced=False) for i, d in live.items()})
    return out

