"""The rules a shift sheet prints (geo.rules.sheet): each bears on the shift and cites its item."""
from __future__ import annotations

import pytest

from geo.regimes import get_regime
from geo.rules.sheet import DUTIES, activity_citation, shift_duties
from geo.services.field.sheets import scale_bar_m

REGIME = get_regime("order-641")


def keys(activity: str, kind: str, collective: bool = True) -> list[str]:
    return [d.key for d in shift_duties(REGIME, REGIME.activity(activity), target_kind=kind,
                                        collective_shift=collective)]


@pytest.mark.parametrize("item", REGIME.codes())
def test_every_activity_is_cited_at_its_own_item_of_the_rules(item):
    assert activity_citation(REGIME, REGIME.activity(item)).text() == f"Order 641, Rules item {item}"


def test_an_item_8_1_shift_is_under_police_management_cited_at_8_1():
    duties = {d.key: d for d in shift_duties(REGIME, REGIME.activity("8.1"), target_kind="patrol_zone",
                                             collective_shift=True)}
    assert duties["police-supervision"].citation.text() == "Order 641, Rules item 8.1"
    assert duties["formation-notified"].citation.text() == "Order 641, Rules item 7"
    assert duties["participant-eligible"].citation.text() == "Law 590-II art. 5"
    assert duties["participant-eligible:certificate"].citation.is_design  # item 2.2 sets no condition (D)
    assert "event-window" not in duties  # not an event


def test_item_6_2_work_is_with_the_named_services_cited_at_6_2():
    [duty] = [d for d in shift_duties(REGIME, REGIME.activity("6.2"), target_kind="campus", collective_shift=False)
              if d.key == "police-supervision"]
    assert duty.citation.text() == "Order 641, Rules item 6.2"


def test_an_individual_participants_task_carries_no_item_7_duties_of_a_formation():
    assert keys("6.5", "campus", collective=False) == [
        "closed-activity-list", "participant-eligible", "participant-eligible:certificate"]


@pytest.mark.parametrize("activity, kind", [("8.5", "pasture"), ("8.6", "crop_field"), ("8.7", "campus")])
def test_items_without_police_management_print_none(activity, kind):
    assert "police-supervision" not in keys(activity, kind)


def test_a_shift_at_an_event_stays_in_its_hours_a_design_choice():
    duties = {d.key: d for d in shift_duties(REGIME, REGIME.activity("8.1"), target_kind="event",
                                             collective_shift=True)}
    assert duties["event-window"].citation.text() == "design choice (D)"


def test_every_duty_is_a_rule_the_regime_runs_or_one_of_its_checks():
    assert {k.split(":")[0] for k in DUTIES} <= set(REGIME.rules)


@pytest.mark.parametrize("width_m, bar_m", [(600, 100), (2100, 500), (4000, 1000), (999, 200), (3, 1)])
def test_the_scale_bar_is_a_round_length_of_at_most_a_quarter_of_the_map(width_m, bar_m):
    assert scale_bar_m(width_m) == bar_m
