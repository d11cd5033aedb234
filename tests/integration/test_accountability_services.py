"""The audit trail as admins and supervisors read it, and the quarterly summary per formation."""
from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import Range

from geo.access import SYSTEM
from geo.db.models import Assignment
from geo.errors import Forbidden, InvalidInput
from geo.services import Quarter, acknowledge_assignment, audit_trail, file_report, quarterly_csv, quarterly_summary

from tests.support.dispatch_world import at
from tests.support.leader_world import ELSEWHERE, INSIDE, lw  # noqa: F401  (fixture)


def _report(session, who, lw, point=INSIDE, category="prevention-talk", observed=None):
    return file_report(session, who, category=category, lon=point[0], lat=point[1],
                       observed_at=observed or lw.now - timedelta(hours=2), description="talk", now=lw.now)["id"]


def test_admins_read_every_entry_and_supervisors_those_about_their_jurisdiction(session, lw):
    acknowledge_assignment(session, lw.leader, lw.upcoming, now=lw.now)
    mine = _report(session, lw.leader, lw)
    theirs = _report(session, lw.other_leader, lw, point=ELSEWHERE)
    everything = {(e["entity"], e["entity_id"]) for e in audit_trail(session, SYSTEM)}
    assert {("assignment", lw.upcoming), ("field_report", mine), ("field_report", theirs)} <= everything
    assert any(entity == "user_account" for entity, _id in everything)
    centre = {(e["entity"], e["entity_id"]) for e in audit_trail(session, lw.supervisor)}
    assert centre == {("assignment", lw.upcoming), ("field_report", mine)}
    east = {(e["entity"], e["entity_id"]) for e in audit_trail(session, lw.other_supervisor)}
    assert east == {("field_report", theirs)}
    only_reports = audit_trail(session, SYSTEM, entity="field_report")
    assert {e["entity"] for e in only_reports} == {"field_report"}


def test_the_audit_trail_filters_by_local_days_and_is_closed_to_leaders_and_dispatchers(session, lw):
    _report(session, lw.leader, lw)
    today = datetime.now().date()
    assert audit_trail(session, SYSTEM, first_day=today + timedelta(days=2)) == []
    assert audit_trail(session, SYSTEM, first_day=today - timedelta(days=1), last_day=today + timedelta(days=1))
    with pytest.raises(InvalidInput):
        audit_trail(session, SYSTEM, first_day=today, last_day=today - timedelta(days=1))
    for who in (lw.leader, lw.dispatcher):
        with pytest.raises(Forbidden):
            audit_trail(session, who)


def test_hours_on_duty_are_confirmed_shift_hours_clipped_to_the_quarter(session, lw):
    formation = lw.world.formation
    session.execute(delete(Assignment).where(Assignment.formation_id == formation))
    zone, officer = lw.world.zone, lw.world.officer
    for start, end, status in [(at("2026-03-31 22:00"), at("2026-04-01 02:00"), "confirmed"),  # 2 h in Q2
                               (at("2026-05-05 18:00"), at("2026-05-05 22:00"), "confirmed"),  # 4 h
                               (at("2026-06-05 18:00"), at("2026-06-05 22:00"), "proposed"),   # not counted
                               (at("2026-06-30 23:00"), at("2026-07-01 01:00"), "confirmed")]:  # 1 h in Q2
        session.add(Assignment(formation_id=formation, patrol_zone_id=zone, regime="order-641", activity="8.1",
                               shift=Range(start, end, bounds="[)"), officer_id=officer, status=status,
                               created_by="test"))
    session.flush()
    [row] = [r for r in quarterly_summary(session, SYSTEM, Quarter(2026, 2)) if r["formation_id"] == formation]
    assert (row["assignments"], row["hours_on_duty"]) == (3, 7.0)
    [q1] = [r for r in quarterly_summary(session, SYSTEM, Quarter(2026, 1)) if r["formation_id"] == formation]
    assert (q1["assignments"], q1["hours_on_duty"]) == (1, 2.0)


def test_reports_are_counted_by_category_in_the_quarter_observed(session, lw):
    quarter = Quarter.of((lw.now - timedelta(hours=2)).date())
    _report(session, lw.leader, lw)
    _report(session, lw.leader, lw, category="aid-to-victims")
    _report(session, lw.leader, lw, category="aid-to-victims")
    [row] = [r for r in quarterly_summary(session, SYSTEM, quarter) if r["formation_id"] == lw.world.formation]
    assert row["reports"]["aid-to-victims"] == 2 and row["reports"]["prevention-talk"] == 1
    assert row["reports_total"] == 3


def test_leaders_see_their_own_row_and_supervisors_the_formations_notified_to_their_unit(session, lw):
    quarter = Quarter(2026, 4)
    assert [r["formation_id"] for r in quarterly_summary(session, lw.leader, quarter)] == [lw.world.formation]
    assert [r["formation_id"] for r in quarterly_summary(session, lw.supervisor, quarter)] == [lw.world.formation]
    assert quarterly_summary(session, lw.other_supervisor, quarter) == []
    text = quarterly_csv(session, lw.other_leader, quarter)
    lines = text.splitlines()
    assert lines[0].startswith("formation_id,formation,quarter,assignments,hours_on_duty,reports_offence-prevented")
    assert len(lines) == 2 and lines[1].startswith(f"{lw.world.unnotified},Aksai,2026 Q4,")
    table = pd.read_csv(io.StringIO(text))
    assert table["formation_id"].tolist() == [lw.world.unnotified] and table["note"].str.contains("not registered").all()


@pytest.mark.parametrize("year, number", [(2026, 0), (2026, 5), (1999, 1)])
def test_a_quarter_is_a_year_and_a_number_from_1_to_4(year, number):
    with pytest.raises(InvalidInput):
        Quarter(year, number)


def test_quarter_bounds_are_local_midnights():
    start, end = Quarter(2026, 4).bounds("Asia/Almaty")
    assert (start.isoformat(), end.isoformat()) == ("2026-10-01T00:00:00+05:00", "2027-01-01T00:00:00+05:00")
    assert Quarter.of(date(2026, 11, 25)) == Quarter(2026, 4)
