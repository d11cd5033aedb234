"""Rules of presence on a shift (design choices, D): which positions are accepted, who sees them."""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta, timezone

import pytest

from geo.access import Principal
from geo.domain import Role
from geo.regimes import get_regime
from geo.rules.presence import (AssignmentHolder, PositionFacts, ShiftFacts, check_in_allowed, may_see_positions,
                                position_violations, speed_kmh)
from geo.settings import PresenceSettings

T = datetime(2026, 12, 5, 14, tzinfo=timezone.utc)
SHIFT = ShiftFacts(T - timedelta(hours=1), T + timedelta(hours=3))
OK = PositionFacts(own=True, shift=SHIFT, at=T, now=T, accuracy_m=10.0, consent=True,
                   checked_in_at=T - timedelta(hours=1), checked_out_at=None, tracking=True,
                   previous_at=T - timedelta(minutes=2), previous_distance_m=150.0)
S = PresenceSettings()
REGIME = get_regime()


def codes(facts, settings=S):
    return [v.code for v in position_violations(facts, REGIME, settings)]


def test_a_walk_inside_the_shift_with_consent_is_accepted():
    assert codes(OK) == []
    assert codes(replace(OK, previous_at=None, previous_distance_m=None)) == []  # the first one


@pytest.mark.parametrize("change, code", [
    ({"own": False}, "presence-own-session"),
    ({"consent": False}, "presence-consent"),
    ({"checked_in_at": None}, "presence-checked-in"),
    ({"checked_in_at": T + timedelta(minutes=1)}, "presence-checked-in"),
    ({"checked_out_at": T - timedelta(minutes=1), "tracking": False}, "presence-checked-in"),
    ({"tracking": False}, "presence-checked-in"),
    ({"at": SHIFT.ends_at + timedelta(minutes=16), "now": SHIFT.ends_at + timedelta(minutes=16),
      "previous_at": None}, "presence-shift-window"),
    ({"at": T + timedelta(minutes=5), "previous_at": None}, "presence-shift-window"),  # ahead of the clock
    ({"shift": replace(SHIFT, live=False)}, "presence-shift-window"),
    ({"previous_distance_m": 5000.0, "previous_at": T - timedelta(minutes=1)}, "presence-speed"),
    ({"previous_at": T}, "presence-speed"),
    ({"accuracy_m": 500.0}, "presence-accuracy"),
    ({"accuracy_m": -1.0}, "presence-accuracy"),
], ids=lambda v: v if isinstance(v, str) else None)
def test_each_rule_refuses_its_case_D(change, code):
    found = codes(replace(OK, **change))
    assert code in found
    if code == "presence-own-session":
        assert found == [code]  # nothing else is told about someone else's shift


def test_the_speed_limit_is_a_setting_and_5_km_in_a_minute_is_300_kmh():
    assert speed_kmh(5000, 60) == pytest.approx(300)
    fast_bike = replace(OK, previous_distance_m=900.0, previous_at=T - timedelta(minutes=2))  # 27 km/h
    assert codes(fast_bike) == []
    assert codes(fast_bike, PresenceSettings(max_speed_kmh=20)) == ["presence-speed"]


def test_the_grace_lets_a_participant_check_in_a_little_early():
    assert check_in_allowed(SHIFT, SHIFT.starts_at - timedelta(minutes=15), REGIME, S) == []
    assert [v.code for v in check_in_allowed(SHIFT, SHIFT.starts_at - timedelta(minutes=16), REGIME, S)] == \
        ["presence-check"]
    assert [v.item for v in check_in_allowed(replace(SHIFT, live=False), T, REGIME, S)] == ["D"]


HOLDER = AssignmentHolder(formation_id=3, participant_id=None, officer_id=11)


@pytest.mark.parametrize("viewer, sees", [
    (Principal(1, "admin", frozenset({Role.ADMIN})), True),
    (Principal(2, "disp", frozenset({Role.DISPATCHER})), True),
    (Principal(3, "own officer", frozenset({Role.SUPERVISOR}), officer_id=11, unit_id=1), True),
    (Principal(4, "other officer", frozenset({Role.SUPERVISOR}), officer_id=12, unit_id=1), False),
    (Principal(5, "leader", frozenset({Role.LEADER}), formation_id=3), True),
    (Principal(6, "other leader", frozenset({Role.LEADER}), formation_id=4), False),
    (Principal(7, "analyst", frozenset({Role.ANALYST})), False),
    (Principal(8, "lone", frozenset({Role.PARTICIPANT}), participant_id=40), False),
], ids=lambda v: v.login if isinstance(v, Principal) else None)
def test_positions_are_never_shown_to_another_formation_D(viewer, sees):
    assert may_see_positions(viewer, HOLDER) is sees


def test_an_individual_participant_sees_their_own_task_positions():
    mine = AssignmentHolder(None, 40, 11)
    assert may_see_positions(Principal(8, "lone", frozenset({Role.PARTICIPANT}), participant_id=40), mine)
    assert not may_see_positions(Principal(9, "other", frozenset({Role.PARTICIPANT}), participant_id=41), mine)
