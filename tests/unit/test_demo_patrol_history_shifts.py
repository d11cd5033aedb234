"""The demo's patrol history schedule (geo.demo.history.patrol_shifts), checked against pandas'
calendar, and the demo's own history placed where the before/after evaluation can see it."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.demo import INCIDENT_DAYS, definitions
from geo.demo.history import WEEKDAY_CODES, history_days, patrol_shifts
from geo.demo.people import ROSTER_DAYS_BEFORE
from geo.errors import InvalidInput
from geo.settings import EvaluationSettings

ALMATY = ZoneInfo("Asia/Almaty")
PATROLS = definitions()["patrol_history"]


def brute_force(plan: dict, today: date) -> list[tuple[datetime, datetime]]:
    """Every calendar day in the range whose pandas day name is one of the plan's, by hand."""
    days = pd.date_range(today - timedelta(days=plan["begins_days_ago"]), today - timedelta(days=1), freq="D")
    names = {d.lower() for d in plan["weekdays"]}
    out = []
    for day in days:
        if day.day_name()[:3].lower() in names:
            starts = datetime.combine(day.date(), time.fromisoformat(plan["start"]), ALMATY)
            ends = starts + timedelta(hours=plan["hours"])
            if ends <= datetime.combine(today, time(), ALMATY):
                out.append((starts, ends))
    return out


@given(today=st.dates(date(2025, 1, 1), date(2028, 12, 31)), back=st.integers(1, 90),
       weekdays=st.sets(st.sampled_from(WEEKDAY_CODES), min_size=1), hour=st.integers(0, 23),
       hours=st.sampled_from([1.0, 3.5, 4.0, 9.0]))
def test_the_shifts_are_the_calendar_days_of_the_weekdays_named_before_today(today, back, weekdays, hour, hours):
    plan = {"begins_days_ago": back, "weekdays": sorted(weekdays), "start": f"{hour:02d}:00", "hours": hours}
    assert list(patrol_shifts(plan, today=today)) == brute_force(plan, today)


def test_an_unknown_weekday_is_reported():
    with pytest.raises(InvalidInput, match="weekdays are"):
        list(patrol_shifts({"begins_days_ago": 7, "weekdays": ["friday"], "start": "18:00", "hours": 4},
                           today=date(2026, 5, 1)))


@pytest.mark.parametrize("today", [date(2026, 5, 1) + timedelta(days=k) for k in range(7)],
                         ids=lambda d: d.strftime("%a"))
def test_each_zone_of_the_demo_history_has_its_evaluation_windows_inside_the_incidents(today):
    """Whatever the weekday of loading: the first shift has ``weeks`` weeks of incidents before it
    and its ``weeks`` weeks after are over by the day of loading, with shifts in most weeks after."""
    weeks = timedelta(weeks=EvaluationSettings().weeks)
    midnight = datetime.combine(today, time(), ALMATY)
    incidents_from = midnight - timedelta(days=INCIDENT_DAYS)
    assert len({p["zone"] for p in PATROLS}) == len(PATROLS) >= 3
    for plan in PATROLS:
        shifts = list(patrol_shifts(plan, today=today))
        began = shifts[0][0]
        assert incidents_from <= began - weeks and began + weeks <= midnight, plan["zone"]
        weeks_patrolled = {(s - began).days // 7 for s, _ in shifts if s < began + weeks}
        assert len(weeks_patrolled) == EvaluationSettings().weeks, plan["zone"]


def test_the_rosters_reach_back_over_the_history():
    assert history_days(PATROLS) > ROSTER_DAYS_BEFORE  # the week of rosters alone would not
    assert history_days([]) == 0
