"""No proposal can break a rule: for random shifts of the Almaty demo, accepting the whole proposal
stores every item through ``assign_formation`` (which checks every rule again)."""
from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from geo.access import SYSTEM
from geo.db.models import Assignment, Event
from geo.demo import load_demo
from geo.services import PlanRequest, accept_plan, propose_plan

ALMATY = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 5, 1, tzinfo=ALMATY)  # the demo's reference day: events follow it, duty is rostered around it

pytestmark = pytest.mark.realdata

KINDS = st.lists(st.sampled_from(["patrol_zone", "public_place", "campus"]), min_size=1, max_size=3, unique=True)


@pytest.fixture(scope="module")
def demo_loaded(module_session, shared_data) -> None:
    """The demo loaded once for the module."""
    load_demo(module_session, shared_data, seed=641, replace=False, now=NOW)
    module_session.commit()


@pytest.fixture
def demo(session, demo_loaded):
    """The test's session over the demo (its own writes rolled back after it)."""
    return session


def shift_of(day: int, hour: int, hours: int) -> tuple[datetime, datetime]:
    start = datetime.combine(NOW.date() + timedelta(days=day), time(hour), ALMATY)
    return start, start + timedelta(hours=hours)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(day=st.integers(0, 9), hour=st.integers(0, 23), hours=st.integers(2, 9), kind=KINDS,
       per_target=st.integers(1, 8), ratio=st.sampled_from([0.5, 1.0, 2.0]))
def test_accepting_a_proposal_stores_every_item(demo, day, hour, hours, kind, per_target, ratio):
    session = demo
    starts_at, ends_at = shift_of(day, hour, hours)
    with session.begin_nested() as savepoint:
        held = session.scalar(select(func.count()).select_from(Assignment))  # the demo's patrol history
        proposal = propose_plan(session, PlanRequest(starts_at, ends_at, kind=kind, members_per_target=per_target,
                                                     members_per_1000_attendees=ratio), viewer=SYSTEM)
        results = accept_plan(session, actor=SYSTEM, items=[i.request() for i in proposal.items])
        refused = [(proposal.items[r["index"]], r["violations"]) for r in results if not r["stored"]]
        assert not refused, refused
        assert session.scalar(select(func.count()).select_from(Assignment)) == held + len(proposal.items)
        formations = [i.formation_id for i in proposal.items]
        assert len(formations) == len(set(formations))  # one target per formation and shift
        for short in proposal.shortfalls:
            assert short.staffed + short.shortfall == short.target.need and str(short.shortfall) in short.note
        savepoint.rollback()


def test_the_demo_match_is_staffed_first_and_its_shortfall_explained(demo):
    session = demo
    match = session.scalar(select(Event).where(Event.expected_attendance == 22000))
    proposal = propose_plan(session, PlanRequest(match.starts_at - timedelta(hours=1),
                                                 match.ends_at + timedelta(hours=1)), viewer=SYSTEM)
    [outcome] = [o for o in proposal.targets if o.target.kind == "event" and o.target.id == match.id]
    assert outcome.target.need == 22
    assert outcome.staffed + outcome.shortfall == 22
    assert (outcome.state == "short") == (outcome.shortfall > 0)
    assert proposal.status in ("optimal", "empty") and proposal.runtime_s < 10
