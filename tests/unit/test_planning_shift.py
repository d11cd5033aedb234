"""A shift plan staffs events first, then covers the most demand, and never breaks the mask."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geo.analysis.planning import (
    ELIGIBLE_FORMATIONS_TOO_SMALL,
    FORMATIONS_NEEDED_ELSEWHERE,
    NO_ELIGIBLE_FORMATION,
    plan_shift,
)
from geo.errors import InvalidInput


def plan(members, need, weight, event, eligible, distance, **kw):
    return plan_shift(formation_members=members, target_need=need, target_weight=weight,
                      target_is_event=event, eligible=eligible, distance_m=distance, **kw)


def test_an_event_too_big_for_its_eligible_formations_is_short_by_exactly_the_difference():
    # the event (target 0) needs 10; only formations 0 and 1 (3 + 4 members) may staff it;
    # formation 2 may only go to the ordinary target 1, which the plan still covers
    p = plan([3, 4, 5], [10, 5], [1.0, 2.0], [True, False],
             [[True, False], [True, False], [False, True]], np.full((3, 2), 100.0))
    [short] = p.event_shortfalls
    assert (short.target, short.need, short.staffed, short.shortfall) == (0, 10, 7, 3)
    assert short.reason == ELIGIBLE_FORMATIONS_TOO_SMALL
    assert (short.eligible_formations, short.eligible_members) == (2, 7)
    assert "Event 0 is 3 of 10 members short" in p.explanation()
    assert {(a.formation, a.target, a.members) for a in p.assignments} == {(0, 0, 3), (1, 0, 4), (2, 1, 5)}
    assert p.covered_targets == (1,) and p.uncovered_targets == (0,)
    assert p.coverage_percent == pytest.approx(100 * 2 / 3)
    assert set(p.stages) == {"events", "demand", "tie_break"} and p.status == "optimal"


def test_an_event_no_formation_may_staff_is_reported_and_the_rest_is_planned():
    p = plan([2], [3, 2], [0.0, 1.0], [True, False], [[False, True]], [[0.0, 50.0]])
    [short] = p.event_shortfalls
    assert (short.shortfall, short.reason, short.eligible_formations) == (3, NO_ELIGIBLE_FORMATION, 0)
    assert [(a.formation, a.target) for a in p.assignments] == [(0, 1)]


def test_events_competing_for_the_same_formations_say_so():
    p = plan([4], [4, 4], [1.0, 1.0], [True, True], [[True, True]], [[10.0, 20.0]])
    [short] = p.event_shortfalls
    assert short.reason == FORMATIONS_NEEDED_ELSEWHERE and short.shortfall == 4
    assert [(a.formation, a.target, a.members) for a in p.assignments] == [(0, 0, 4)]


def test_an_event_comes_before_any_amount_of_ordinary_demand():
    p = plan([5], [5, 5], [0.0, 1e6], [True, False], [[True, True]], [[4000.0, 10.0]])
    assert [(a.formation, a.target) for a in p.assignments] == [(0, 0)]
    assert p.event_shortfalls == ()


def test_partial_staffing_never_counts_as_covering_an_ordinary_target():
    p = plan([2, 2], [5], [1.0], [False], [[True], [True]], [[0.0], [0.0]])
    assert p.assignments == () and p.uncovered_targets == (0,) and p.coverage_percent == 0.0


def test_equal_coverage_goes_to_the_shorter_distance():
    p = plan([3, 3], [3], [1.0], [False], [[True], [True]], [[900.0], [400.0]])
    assert [(a.formation, a.distance_m) for a in p.assignments] == [(1, 400.0)]


def test_equal_coverage_and_distance_goes_to_the_least_drained_formation():
    # the target needs 4: all of formation 0, or 4 of the 10 of formation 1
    p = plan([4, 10], [4], [1.0], [False], [[True], [True]], [[300.0], [300.0]])
    assert [(a.formation, a.members) for a in p.assignments] == [(1, 4)]


def test_one_formation_covers_a_target_rather_than_two_at_the_same_distance():
    p = plan([2, 2, 4], [4], [1.0], [False], [[True]] * 3, np.full((3, 1), 100.0))
    assert [(a.formation, a.members) for a in p.assignments] == [(2, 4)]


def test_members_are_split_in_proportion_to_formation_size():
    p = plan([6, 3], [6], [0.0], [True], [[True], [True]], [[100.0], [100.0]])
    # one formation of 6 suffices, so only it goes
    assert [(a.formation, a.members) for a in p.assignments] == [(0, 6)]
    p = plan([6, 3], [9], [0.0], [True], [[True], [True]], [[100.0], [100.0]])
    assert [(a.formation, a.members) for a in p.assignments] == [(0, 6), (1, 3)]


@pytest.mark.parametrize("members, need", [([], [1, 2]), ([3, 1], [])], ids=["no formations", "no targets"])
def test_an_empty_shift_still_gives_a_plan(members, need):
    p = plan(members, need, [1.0] * len(need), [True] * len(need),
             np.zeros((len(members), len(need)), bool), np.zeros((len(members), len(need))))
    assert p.assignments == () and p.status == "optimal"
    assert len(p.event_shortfalls) == len(need)
    assert all(s.reason == NO_ELIGIBLE_FORMATION for s in p.event_shortfalls)


def test_bad_rows_are_all_reported():
    with pytest.raises(InvalidInput) as caught:
        plan([-1, 2], [0, 1], [1.0, np.nan], [False, False], [[True, True]] * 2,
             [[np.nan, 1.0], [1.0, 1.0]])
    fields = sorted((e.row, e.field) for e in caught.value.rows)
    assert fields == [(1, "distance_m"), (1, "members"), (1, "need"), (2, "weight")]


def test_shapes_that_do_not_agree_are_an_invalid_input():
    with pytest.raises(InvalidInput):
        plan([1, 2], [1], [1.0], [False], [[True]], [[1.0]])


@st.composite
def shifts(draw, max_formations=4, max_targets=3):
    n_f = draw(st.integers(0, max_formations))
    n_t = draw(st.integers(0, max_targets))

    def ints(lo, hi, n):
        return draw(st.lists(st.integers(lo, hi), min_size=n, max_size=n))

    return dict(
        members=ints(0, 6, n_f), need=ints(1, 8, n_t), weight=[float(x) for x in ints(0, 9, n_t)],
        event=draw(st.lists(st.booleans(), min_size=n_t, max_size=n_t)),
        eligible=np.array(draw(st.lists(st.booleans(), min_size=n_f * n_t, max_size=n_f * n_t)),
                           bool).reshape(n_f, n_t),
        distance=np.array(ints(0, 3000, n_f * n_t), float).reshape(n_f, n_t))


def best_by_brute_force(s):
    """(event members staffed, covered weight, distance + 1 per formation) of the best choice."""
    cap, need, w, event = (np.array(s[k]) for k in ("members", "need", "weight", "event"))
    options = [[None] + [t for t in range(len(need)) if s["eligible"][f, t] and cap[f] > 0]
               for f in range(len(cap))]
    best = None
    for choice in itertools.product(*options):
        sent = np.zeros(len(need), int)
        dist = 0
        for f, t in enumerate(choice):
            if t is not None:
                sent[t] += min(cap[f], need[t])
                dist += s["distance"][f, t] + 1
        key = (np.minimum(sent, need)[event.astype(bool)].sum(), w[sent >= need].sum(), -dist)
        best = key if best is None or key > best else best
    return best


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(shifts())
def test_a_plan_keeps_the_mask_and_one_target_per_formation_and_is_the_lexicographic_best(s):
    p = plan(s["members"], s["need"], s["weight"], s["event"], s["eligible"], s["distance"])
    formations = [a.formation for a in p.assignments]
    assert len(formations) == len(set(formations))
    assert all(s["eligible"][a.formation, a.target] for a in p.assignments)
    assert all(1 <= a.members <= s["members"][a.formation] for a in p.assignments)
    staffed = np.zeros(len(s["need"]), int)
    for a in p.assignments:
        staffed[a.target] += a.members
    assert (staffed <= np.array(s["need"], int)).all()
    for t in p.covered_targets:
        assert staffed[t] == s["need"][t]
    for short in p.event_shortfalls:
        assert short.shortfall == s["need"][short.target] - staffed[short.target] > 0
    events = np.array(s["event"], bool)
    dist = sum(a.distance_m + 1 for a in {a.formation: a for a in p.assignments}.values())
    ours = (staffed[events].sum(), np.array(s["weight"])[list(p.covered_targets)].sum(), -dist)
    assert ours == best_by_brute_force(s)
    assert p.status == "optimal"


@settings(max_examples=15, deadline=None)
@given(shifts(max_formations=30, max_targets=30))
def test_a_plan_cut_short_by_the_time_limit_still_keeps_every_rule(s):
    p = plan(s["members"], s["need"], s["weight"], s["event"], s["eligible"], s["distance"],
             time_limit_s=0.0)
    formations = [a.formation for a in p.assignments]
    assert len(formations) == len(set(formations))
    assert all(s["eligible"][a.formation, a.target] for a in p.assignments)
    assert p.status in {"optimal", "time_limit"}


def test_the_gap_of_a_maximum_found_far_below_its_bound_is_a_share_of_the_bound_not_above_100_percent():
    from geo.analysis.mip import relative_gap
    # a maximum of 10 against a bound of 40: HiGHS's |bound - found| / found would say 300 %
    assert relative_gap(10.0, 40.0, maximize=True) == pytest.approx(0.75)
    assert relative_gap(40.0, 10.0, maximize=False) == pytest.approx(0.75)
    assert relative_gap(5.0, 5.0, maximize=True) == 0.0
    assert relative_gap(0.0, 3.0, maximize=True) == 1.0  # nothing found yet, a bound above it
    assert relative_gap(1.0, float("nan"), maximize=False) == float("inf")


def test_a_shift_plan_cut_short_by_its_time_limit_still_sends_formations_with_a_gap_between_0_and_1():
    rng = np.random.default_rng(11)
    n_f, n_t = 120, 900
    members = rng.integers(2, 9, n_f)
    need = rng.integers(2, 14, n_t)
    weight = rng.gamma(0.6, 5.0, n_t)
    eligible = rng.random((n_f, n_t)) < 0.25
    distance = rng.uniform(50, 9000, (n_f, n_t))
    p = plan(members, need, weight, np.zeros(n_t, bool), eligible, distance, time_limit_s=0.3)
    assert p.status == "time_limit"
    assert p.coverage_percent > 10 and len(p.assignments) > n_f // 2  # the greedy start at least
    assert 0.0 <= p.mip_gap <= 1.0
    for report in p.stages.values():
        assert report.mip_gap == 0.0 if report.status == "optimal" else 0.0 <= report.mip_gap <= 1.0 \
            or not np.isfinite(report.mip_gap)
