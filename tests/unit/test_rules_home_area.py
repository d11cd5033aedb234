"""Rule formation-home-area (Order 641 item 7; override D): act where members live, work, study."""
from __future__ import annotations

from dataclasses import replace

import pytest

from geo.domain import HomeAreaFacts, HomeAreaOverride
from geo.regimes import get_regime
from geo.rules.examples import example_facts
from geo.rules.home_area import formation_home_area

REGIME = get_regime()
FACTS = example_facts()
OUTSIDE = HomeAreaFacts(inside=False, distance_m=850.0)


def at_home(home_area, override=None, **changes):
    return replace(FACTS, home_area=home_area, override=override, **changes)


def codes_items(violations):
    return [(v.code, v.item) for v in violations]


def test_item_7_formation_home_area_passes_inside():
    assert formation_home_area(FACTS, REGIME) == []


def test_item_7_formation_home_area_fails_outside_without_override():
    [violation] = formation_home_area(at_home(OUTSIDE), REGIME)
    assert codes_items([violation]) == [("formation-home-area", "7")]
    assert "850 m outside" in violation.message


def test_item_7_formation_home_area_fails_when_the_home_area_is_unknown():
    assert codes_items(formation_home_area(at_home(None), REGIME)) == [("formation-home-area", "7")]


def test_item_7_the_allowance_is_a_setting_default_zero_metres():
    assert REGIME.home_area_allowance_m == 0
    lenient = replace(REGIME, home_area_allowance_m=1000.0)
    assert formation_home_area(at_home(OUTSIDE), lenient) == []
    assert formation_home_area(at_home(HomeAreaFacts(False, 1000.5)), lenient) != []


@pytest.mark.parametrize("reason", [
    pytest.param("city day: Samal district short of people", id="item-7-override-D-with-reason-passes"),
])
def test_item_7_override_with_reason_by_the_supervising_officer_passes(reason):
    assert formation_home_area(at_home(OUTSIDE, HomeAreaOverride(21, reason)), REGIME) == []


@pytest.mark.parametrize("reason", [
    pytest.param("", id="item-7-override-D-empty-reason-fails"),
    pytest.param("   ", id="item-7-override-D-blank-reason-fails"),
])
def test_item_7_override_without_reason_fails(reason):
    [violation] = formation_home_area(at_home(OUTSIDE, HomeAreaOverride(21, reason)), REGIME)
    assert codes_items([violation]) == [("formation-home-area", "7 (D)")]
    assert "no reason" in violation.message


def test_item_7_override_by_another_officer_fails_unless_configured_otherwise():
    facts = at_home(OUTSIDE, HomeAreaOverride(99, "short of people"))
    [violation] = formation_home_area(facts, REGIME)
    assert "supervising officer" in violation.message
    assert formation_home_area(facts, replace(REGIME, override_by_assigned_supervisor_only=False)) == []


def test_item_7_override_without_any_supervising_officer_fails():
    facts = at_home(OUTSIDE, HomeAreaOverride(21, "reason"), officer=None)
    assert codes_items(formation_home_area(facts, REGIME)) == [("formation-home-area", "7 (D)")]


def test_item_7_an_override_with_no_reason_from_another_officer_reports_both():
    facts = at_home(OUTSIDE, HomeAreaOverride(99, ""))
    assert len(formation_home_area(facts, REGIME)) == 2


def test_item_7_a_lone_participant_has_no_home_area_rule():
    facts = at_home(None, formation=replace(FACTS.formation, is_collective=False))
    assert formation_home_area(facts, REGIME) == []
