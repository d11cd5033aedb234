"""The dispatcher's board flags (D): two assignees on one target at one time, a formation short of
the regime's minimum of members, an officer at max_formations_per_officer (item 8.1, D)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from geo.domain import BoardFacts
from geo.regimes import get_regime
from geo.rules.board import board_flags

REGIME = get_regime()
CLEAN = BoardFacts(assignment_id=5, is_collective=True, members=2, officer_name="Capt. Abenov", officer_formations=1)


def codes(facts, regime=REGIME):
    return [(v.code, v.item) for v in board_flags(facts, regime)]


def test_d_an_assignment_alone_on_its_target_with_members_and_a_free_officer_is_not_flagged():
    assert board_flags(CLEAN, REGIME) == []


def test_d_another_assignment_on_the_same_target_at_the_same_time_is_flagged_with_its_id():
    [flag] = board_flags(replace(CLEAN, shared_target_ids=(8, 9)), REGIME)
    assert (flag.code, flag.item, flag.citation) == ("board-shared-target", "D", "design choice (D)")
    assert "8, 9" in flag.message


@pytest.mark.parametrize("members, minimum, flagged", [
    pytest.param(0, 1, True, id="D-min-members-none-flagged"),
    pytest.param(1, 1, False, id="D-min-members-one-of-one-passes"),
    pytest.param(2, 3, True, id="D-min-members-two-of-three-flagged"),
    pytest.param(3, 3, False, id="D-min-members-three-of-three-passes"),
])
def test_d_a_formation_short_of_the_regimes_minimum_is_flagged(members, minimum, flagged):
    regime = replace(REGIME, min_formation_members=minimum)
    assert (("participant-eligible", "D") in codes(replace(CLEAN, members=members), regime)) is flagged


def test_d_a_lone_participants_task_is_never_short_of_members():
    assert board_flags(replace(CLEAN, is_collective=False, members=1), replace(REGIME, min_formation_members=3)) == []


@pytest.mark.parametrize("formations, flagged", [
    pytest.param(1, False, id="8.1-D-officer-below-limit-passes"),
    pytest.param(2, True, id="8.1-D-officer-at-limit-flagged"),
    pytest.param(3, True, id="8.1-D-officer-over-limit-flagged"),
])
def test_8_1_d_an_officer_at_the_regimes_limit_is_flagged(formations, flagged):
    found = board_flags(replace(CLEAN, officer_formations=formations), REGIME)
    assert bool(found) is flagged
    if flagged:
        assert (found[0].code, found[0].item) == ("no-double-booking", "8.1 (D)")
        assert f"at most {REGIME.max_formations_per_officer}" in found[0].message


def test_d_no_officer_no_officer_flag():
    assert board_flags(replace(CLEAN, officer_name=None, officer_formations=0), REGIME) == []
