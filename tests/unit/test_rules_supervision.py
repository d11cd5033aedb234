"""Rule police-supervision (Order 641 item 8.1; details D): an active officer of the covering unit,
on duty for the whole shift."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geo.domain import Period, Shift
from geo.regimes import get_regime
from geo.rules import covered_by
from geo.rules.examples import local_inspector, at, example_facts, period
from geo.rules.supervision import police_supervision

REGIME = get_regime()
FACTS = example_facts()
SHIFT = FACTS.shift  # 2026-05-09 18:00-23:00 Almaty


def officer(**changes):
    return replace(FACTS, officer=replace(FACTS.officer, **changes))


def test_item_8_1_police_supervision_passes():
    assert police_supervision(FACTS, REGIME) == []


def test_item_8_1_police_supervision_passes_when_duty_covers_the_shift_exactly():
    assert police_supervision(officer(duty=(Period(SHIFT.start, SHIFT.end),)), REGIME) == []


def test_item_8_1_police_supervision_passes_over_two_touching_duty_periods():
    duty = (period("2026-05-09 20:00", "2026-05-10 02:00"), period("2026-05-09 12:00", "2026-05-09 20:00"))
    assert police_supervision(officer(duty=duty), REGIME) == []


def test_item_8_1_police_supervision_fails_without_an_officer():
    [violation] = police_supervision(replace(FACTS, officer=None), REGIME)
    assert (violation.code, violation.item, violation.citation) == (
        "police-supervision", "8.1", "Order 641, Rules item 8.1")


FAILS = {
    "item-8.1-police-supervision-inactive": officer(active=False),
    "item-8.1-police-supervision-other-unit": officer(unit_covers_target=False),
    "item-8.1-police-supervision-off-duty": officer(duty=()),
    "item-8.1-police-supervision-off-duty-one-minute-early": officer(
        duty=(Period(SHIFT.start + timedelta(minutes=1), SHIFT.end),)),
    "item-8.1-police-supervision-off-duty-one-minute-late": officer(
        duty=(Period(SHIFT.start, SHIFT.end - timedelta(minutes=1)),)),
    "item-8.1-police-supervision-off-duty-gap-between-periods": officer(
        duty=(period("2026-05-09 12:00", "2026-05-09 20:00"), period("2026-05-09 20:01", "2026-05-10 02:00"))),
}


@pytest.mark.parametrize("facts", FAILS.values(), ids=FAILS.keys())
def test_item_8_1_police_supervision_details_are_design_choices_under_8_1(facts):
    [violation] = police_supervision(facts, REGIME)
    assert (violation.code, violation.item, violation.citation) == (
        "police-supervision", "8.1 (D)", "design choice (D) under Order 641, Rules item 8.1")


def test_item_8_1_police_supervision_reports_every_failed_condition():
    found = police_supervision(officer(active=False, unit_covers_target=False, duty=()), REGIME)
    assert len(found) == 3
    assert "Capt. Nurlan Abenov" in found[0].message


def test_item_6_2_needs_a_supervising_officer_too():
    facts = replace(FACTS, activity_code="6.2", officer=None)
    assert [(v.code, v.item) for v in police_supervision(facts, REGIME)] == [("police-supervision", "6.2")]
    # an officer of the specified services (T item 6.2) off duty: the detail is D under 6.2
    off_duty = replace(facts, officer=replace(local_inspector(), duty=()))
    assert [v.citation for v in police_supervision(off_duty, REGIME)] == [
        "design choice (D) under Order 641, Rules item 6.2"]
    patrol = replace(facts, officer=local_inspector(service="patrol"))
    assert [v.citation for v in police_supervision(patrol, REGIME)] == ["Order 641, Rules item 6.2"]


def test_item_8_5_needs_no_officer_but_a_named_one_is_still_checked():
    assert police_supervision(replace(FACTS, activity_code="8.5", officer=None), REGIME) == []
    [violation] = police_supervision(replace(officer(active=False), activity_code="8.5"), REGIME)
    assert (violation.item, violation.citation) == ("D", "design choice (D)")


@pytest.mark.parametrize("changes", [
    pytest.param({"duty": ()}, id="d-8.5-named-officer-off-duty"),
    pytest.param({"unit_covers_target": False}, id="d-8.5-named-officer-of-another-unit"),
])
def test_d_a_named_officer_on_8_5_is_cited_as_a_design_choice_not_as_8_1(changes):
    found = police_supervision(replace(officer(**changes), activity_code="8.5"), REGIME)
    assert [(v.code, v.item, v.citation) for v in found] == [("police-supervision", "D", "design choice (D)")]
    assert not any("8.1" in v.item or "8.1" in v.citation for v in found)


def test_item_8_1_supervision_follows_the_regime_data():
    activities = tuple(replace(a, needs_supervisor=True) if a.code == "8.3" else a for a in REGIME.activities)
    strict = replace(REGIME, activities=activities)
    facts = replace(FACTS, activity_code="8.3", officer=None)
    assert police_supervision(facts, REGIME) == []
    assert [v.item for v in police_supervision(facts, strict)] == ["8.3"]


START = datetime(2026, 1, 1, tzinfo=timezone.utc)
minutes = st.integers(min_value=0, max_value=60 * 24 * 30)


@given(duty_start=minutes, duty_len=st.integers(1, 60 * 48), offset=minutes, length=st.integers(1, 60 * 48),
       others=st.lists(st.tuples(minutes, st.integers(1, 600)), max_size=4))
def test_item_8_1_a_shift_inside_one_duty_period_is_never_off_duty(duty_start, duty_len, offset, length,
                                                                     others):
    duty = Period(START + timedelta(minutes=duty_start), START + timedelta(minutes=duty_start + duty_len))
    begin = duty.start + timedelta(minutes=offset % duty_len)
    end = min(begin + timedelta(minutes=length), duty.end)
    shift = Shift(begin, end) if begin < end else Shift(duty.start, duty.end)
    extra = tuple(Period(START + timedelta(minutes=s), START + timedelta(minutes=s + n)) for s, n in others)
    assert covered_by(shift, (*extra, duty))
    facts = replace(FACTS, shift=shift, officer=replace(FACTS.officer, duty=(*extra, duty)))
    assert not any("on duty" in v.message for v in police_supervision(facts, REGIME))


@given(cut=st.integers(1, 5 * 60 - 2))
def test_item_8_1_a_shift_outside_the_duty_periods_by_any_minute_is_off_duty(cut):
    duty = (Period(SHIFT.start, SHIFT.start + timedelta(minutes=cut)),
            Period(SHIFT.start + timedelta(minutes=cut + 1), SHIFT.end))
    assert not covered_by(SHIFT, duty)


def test_item_8_1_the_message_shows_the_shift_in_almaty_time():
    [violation] = police_supervision(officer(duty=()), REGIME)
    assert "2026-05-09 18:00 – 2026-05-09 23:00" in violation.message
    assert at("2026-05-09 18:00") == SHIFT.start
