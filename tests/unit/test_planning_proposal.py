"""The pure parts of a shift proposal: past windows of the same hours, event needs, handing out officers."""
from __future__ import annotations

import doctest
from collections import Counter
from datetime import timedelta

import numpy as np
import pytest
from shapely.geometry import Point

import geo.services.planning.demand
from geo.analysis.planning import hand_out_officers, plan_shift
from geo.rules.examples import shift
from geo.services.planning.demand import DemandTarget, event_need, same_hours
from geo.services.planning.mask import Mask
from geo.services.planning.report import failure_summary


def test_docstring_examples_run():
    assert doctest.testmod(geo.services.planning.demand, optionflags=doctest.ELLIPSIS).failed == 0


def test_56_days_back_are_the_8_same_weekdays_at_the_same_local_hours():
    windows = same_hours(shift("2026-12-05 18:00", "2026-12-05 22:00"), lookback_days=56, timezone="Asia/Almaty")
    assert len(windows) == 8
    assert [w.start.weekday() for w in windows] == [5] * 8
    assert {(w.start.hour, w.end.hour) for w in windows} == {(18, 22)}
    assert windows[-1].start == shift("2026-10-10 18:00", "2026-10-10 22:00").start


@pytest.mark.parametrize("attendance, ratio, need", [(22000, 1.0, 22), (25000, 1.0, 25), (1200, 1.0, 2),
                                                     (1000, 1.0, 1), (3000, 0.7, 3), (0, 1.0, 1)])
def test_an_event_needs_members_per_1000_attendees_rounded_up(attendance, ratio, need):
    assert event_need(attendance, ratio) == need


def target(j: int, *, event=False, weight=1.0, need=2) -> DemandTarget:
    s = shift("2026-12-05 18:00", "2026-12-05 22:00")
    return DemandTarget("event" if event else "patrol_zone", j, f"T{j}", None, weight, need, event, s,
                        None, Point(0, 0))


def officer(i: int, free: int) -> dict:
    return {"id": i, "name": f"Officer {i}", "free": free}


def mask_of(eligible, officers) -> Mask:
    eligible = np.asarray(eligible, bool)
    return Mask(eligible, np.zeros(eligible.shape), tuple("8.1" for _ in officers), tuple(officers),
                tuple(Counter() for _ in officers), {})


def hand_out(plan, targets, mask: Mask):
    return hand_out_officers(plan, mask.officers, target_is_event=[t.is_event for t in targets],
                             target_weight=[t.weight for t in targets])


def test_an_officer_is_moved_so_that_every_item_gets_one():
    # the event takes two formations; officer 7 (free for two) could take both, but then the zone,
    # which only 7 may supervise, would be left without one: one event item moves to officer 8
    targets = (target(0, event=True, need=6), target(1, weight=5.0))
    mask = mask_of([[1, 1], [1, 0], [0, 1]], [(officer(7, 2), officer(8, 1)), (officer(7, 2),)])
    plan = plan_shift(formation_members=[3, 3, 2], target_need=[6, 2], target_weight=[0, 5],
                      target_is_event=[True, False], eligible=mask.eligible, distance_m=mask.travel_m)
    chosen, unplaced = hand_out(plan, targets, mask)
    assert unplaced == []
    ids = {pair: o["id"] for pair, o in chosen.items()}
    assert ids[(2, 1)] == 7 and sorted([ids[(0, 0)], ids[(1, 0)]]) == [7, 8]


def test_an_officer_at_a_target_is_preferred_for_its_next_formation():
    targets = (target(0, event=True, need=6),)
    mask = mask_of([[1], [1]], [(officer(7, 2), officer(8, 2))])
    plan = plan_shift(formation_members=[3, 3], target_need=[6], target_weight=[0], target_is_event=[True],
                      eligible=mask.eligible, distance_m=mask.travel_m)
    chosen, _ = hand_out(plan, targets, mask)
    assert {o["id"] for o in chosen.values()} == {7}


def test_an_item_without_a_free_officer_is_handed_back():
    targets = (target(0, weight=3.0), target(1, weight=2.0), target(2, weight=1.0))
    one = (officer(7, 2),)
    mask = mask_of(np.eye(3), [one, one, one])
    plan = plan_shift(formation_members=[2, 2, 2], target_need=[2, 2, 2], target_weight=[3, 2, 1],
                      target_is_event=[False] * 3, eligible=mask.eligible, distance_m=mask.travel_m)
    chosen, unplaced = hand_out(plan, targets, mask)
    assert unplaced == [(2, 2)]  # the least demand waits; the officer takes two formations at most
    assert sorted(pair for pair, o in chosen.items() if o) == [(0, 0), (1, 1)]


def test_a_target_no_officer_supervises_passed_the_rules_without_one():
    mask = mask_of([[1]], [()])
    plan = plan_shift(formation_members=[2], target_need=[2], target_weight=[1], target_is_event=[False],
                      eligible=mask.eligible, distance_m=mask.travel_m)
    assert hand_out(plan, (target(0),), mask) == ({(0, 0): None}, [])


def test_failures_are_summed_up_most_first():
    assert failure_summary(Counter({"formation-notified": 2, "formation-home-area": 9})) == (
        "outside its home area: 9, not notified to the police: 2")
    assert failure_summary(Counter()) == ""


def test_a_shift_over_midnight_looks_back_at_both_days():
    windows = same_hours(shift("2026-12-05 22:00", "2026-12-06 02:00"), lookback_days=14, timezone="Asia/Almaty")
    assert [(w.start.weekday(), w.end.weekday()) for w in windows] == [(5, 6), (5, 6)]
    assert all(w.end - w.start == timedelta(hours=4) for w in windows)
