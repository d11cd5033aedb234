"""Rule no-double-booking (D): a formation is in one place at a time; an officer directly manages
at most the configured number of formations at once."""
from __future__ import annotations

from dataclasses import replace

import pytest

from geo.regimes import get_regime
from geo.rules.booking import no_double_booking
from geo.rules.examples import example_facts

REGIME = get_regime()
FACTS = example_facts()


def test_d_no_double_booking_passes():
    assert no_double_booking(FACTS, REGIME) == []


def test_d_no_double_booking_fails_for_a_formation_booked_in_an_overlapping_shift():
    [violation] = no_double_booking(replace(FACTS, overlapping_assignment_ids=(40, 41)), REGIME)
    assert (violation.code, violation.item) == ("no-double-booking", "D")
    assert "40, 41" in violation.message


@pytest.mark.parametrize("others, broken", [
    pytest.param(0, False, id="D-no-double-booking-officer-first-formation-passes"),
    pytest.param(1, False, id="D-no-double-booking-officer-at-capacity-passes"),
    pytest.param(2, True, id="D-no-double-booking-officer-over-capacity-fails"),
])
def test_d_no_double_booking_officer_capacity(others, broken):
    assert REGIME.max_formations_per_officer == 2
    found = no_double_booking(replace(FACTS, officer_concurrent_formations=others), REGIME)
    assert [v.code for v in found] == (["no-double-booking"] if broken else [])


def test_d_officer_capacity_is_a_setting():
    facts = replace(FACTS, officer_concurrent_formations=2)
    assert no_double_booking(facts, replace(REGIME, max_formations_per_officer=3)) == []


def test_d_no_officer_means_no_officer_capacity_check():
    assert no_double_booking(replace(FACTS, officer=None, officer_concurrent_formations=9), REGIME) == []


def test_d_formation_and_officer_double_booking_are_both_reported():
    facts = replace(FACTS, overlapping_assignment_ids=(40,), officer_concurrent_formations=5)
    assert len(no_double_booking(facts, REGIME)) == 2
