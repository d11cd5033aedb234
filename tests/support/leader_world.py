"""The dispatch world plus accounts and stored assignments, for the leader's, reports' and audit tests.

Assignments are stored directly (the dispatch rules have their own tests), with shifts relative to
``now`` so "upcoming" and "past" hold whatever day the tests run.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from geo.access import Principal
from geo.db.models import Assignment, AssignmentMember
from geo.services.accounts import principal_of

from tests.conftest import add_user
from tests.support.dispatch_world import World, build

XSS = "<img src=x onerror=alert(1)>"
INSIDE = (76.925, 43.245)       # a point in the Centre unit's jurisdiction (and district)
ELSEWHERE = (77.05, 43.25)      # in the East district, another unit's jurisdiction
OUTSIDE = (75.0, 42.0)          # in no district
ALMATY = ZoneInfo("Asia/Almaty")


@dataclass
class LeaderWorld:
    world: World
    now: datetime
    upcoming: int          # the formation's confirmed shift, tomorrow evening
    past: int              # the formation's confirmed shift a week ago
    other: int             # the other formation's proposed shift, tomorrow
    leader: Principal      # leads world.formation
    other_leader: Principal  # leads world.unnotified
    supervisor: Principal  # officer of the Centre unit
    other_supervisor: Principal  # officer of the East unit
    dispatcher: Principal


def _shift(start: datetime, hours: int = 4) -> Range:
    return Range(start, start + timedelta(hours=hours), bounds="[)")


def _assignment(session: Session, *, formation: int, zone: int, officer: int, start: datetime, status: str,
                members: tuple[int, ...] = ()) -> int:
    a = Assignment(formation_id=formation, patrol_zone_id=zone, regime="order-641", activity="8.1",
                   shift=_shift(start), officer_id=officer, status=status, created_by="test")
    session.add(a)
    session.flush()
    for participant in members:
        session.add(AssignmentMember(assignment_id=a.id, participant_id=participant))
    session.flush()
    return a.id


def build_leader_world(session: Session, *, tag: str = "", now: datetime | None = None) -> LeaderWorld:
    """Store the dispatch world, three assignments and five accounts (logins suffixed by ``tag``)."""
    world = build(session, tag)
    now = now or datetime.now(timezone.utc)
    # 18:00 tomorrow in Almaty (13:00 UTC): tomorrow by Almaty's calendar, which is UTC's day after
    # 19:00 UTC, so the sheets' file names and day pages agree whenever the tests run
    tomorrow = datetime.combine((now.astimezone(ALMATY) + timedelta(days=1)).date(), time(18),
                                ALMATY).astimezone(timezone.utc)
    upcoming = _assignment(session, formation=world.formation, zone=world.zone, officer=world.officer,
                           start=tomorrow, status="confirmed", members=(world.adult,))
    past = _assignment(session, formation=world.formation, zone=world.zone, officer=world.officer,
                       start=tomorrow - timedelta(days=8), status="confirmed", members=(world.adult,))
    other = _assignment(session, formation=world.unnotified, zone=world.far_zone, officer=world.other_officer,
                        start=tomorrow, status="proposed", members=(world.adult,))
    t = tag.lower().replace(" ", "")
    ids = {
        "leader": add_user(session, f"leader{t}", ["leader"], formation_id=world.formation),
        "other_leader": add_user(session, f"other.leader{t}", ["leader"], formation_id=world.unnotified),
        "supervisor": add_user(session, f"supervisor{t}", ["supervisor"], officer_id=world.officer),
        "other_supervisor": add_user(session, f"other.supervisor{t}", ["supervisor"],
                                     officer_id=world.other_officer),
        "dispatcher": add_user(session, f"dispatcher{t}", ["dispatcher"]),
    }
    session.flush()
    who = {name: principal_of(session, user_id) for name, user_id in ids.items()}
    return LeaderWorld(world=world, now=now, upcoming=upcoming, past=past, other=other, **who)


@pytest.fixture(scope="module")
def lw(module_session) -> LeaderWorld:
    """The leader world built once per module; each test using it runs in a savepoint rolled back after it."""
    built = build_leader_world(module_session)
    module_session.commit()
    return built
