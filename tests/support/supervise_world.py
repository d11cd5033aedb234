"""Proposals for the supervisor to sign off on the demo: two formations at one target at one time
under one officer (a planted conflict at the officer's limit), proposed through the rules."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.services import AssignmentRequest

ALMATY = ZoneInfo("Asia/Almaty")
KINDS = ("patrol_zone", "campus", "public_place")


@dataclass(frozen=True)
class Pair:
    """Two proposals (``first``, ``second``) of two formations at one target, one shift, one officer."""

    first: int
    second: int
    kind: str
    target_id: int
    target_name: str
    officer_id: int
    formations: tuple[str, str]


def propose_pair(session: Session, day: date, *, hours: tuple[int, int] = (18, 22),
                 officer_name: str | None = None) -> Pair | None:
    """Propose, as the system, two eligible formations at the first target of the demo that has two
    and a free officer (``officer_name`` when given) on ``day``; None when no target has them."""
    start, end = datetime.combine(day, time(hours[0]), ALMATY), datetime.combine(day, time(hours[1]), ALMATY)
    targets = services.dispatch_day(session, day, limit=10_000, viewer=SYSTEM).targets
    for kind in KINDS:
        for row in targets[kind].itertuples():
            options = services.dispatch_options(session, target_kind=kind, target_id=int(row.id), starts_at=start,
                                                ends_at=end, viewer=SYSTEM)
            formations = [f for f in options["formations"] if f["eligible"]]
            officers = [o for o in options["officers"] if o["can_supervise"] and o["formations_at_once"] == 0
                        and (officer_name is None or o["name"] == officer_name)]
            if len(formations) < 2 or not officers:
                continue
            ids = []
            for f in formations[:2]:
                a = services.assign_formation(session, AssignmentRequest(
                    f["formation_id"], kind, int(row.id), options["activity"], start, end,
                    officer_id=officers[0]["id"]), actor=SYSTEM)
                ids.append(a.id)
            return Pair(ids[0], ids[1], kind, int(row.id), row.name, officers[0]["id"],
                        (formations[0]["name"], formations[1]["name"]))
    return None
