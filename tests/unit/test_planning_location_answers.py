"""Location models always answer: a plan and its true gap at the time limit, partial covers named.

The 400-node graph is built like OR-Library's pmed16-20 (400 nodes, 8000 edges of cost 1-100,
shortest path distances): with a limit of a few seconds the p-median used to come back with no
site at all (``no_solution``, objective 0) or with a gap of 1 that bounded nothing.
"""
from __future__ import annotations

import doctest
import itertools

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import shortest_path

from geo.analysis import location_heuristics, location_models
from geo.analysis.location_heuristics import cover_plan, mclp_plan, p_median_bound, p_median_plan
from geo.analysis.location_models import lscp, mclp, p_median
from geo.errors import InvalidInput


@pytest.fixture(scope="module")
def graph400() -> np.ndarray:
    rng = np.random.default_rng(400)
    n = 400
    rows = np.r_[np.arange(n), rng.integers(0, n, 7600)]  # a ring keeps the graph connected
    cols = np.r_[np.roll(np.arange(n), -1), rng.integers(0, n, 7600)]
    cost = rng.integers(1, 101, len(rows)).astype(float)
    return shortest_path(sparse.coo_array((cost, (rows, cols)), shape=(n, n)).tocsr(), directed=False)


def assert_true_gap(result, *, maximize=False):
    high, low = (result.bound, result.objective) if maximize else (result.objective, result.bound)
    assert np.isfinite(result.objective) and np.isfinite(result.bound)
    assert low <= high
    assert result.mip_gap == pytest.approx((high - low) / high, abs=1e-12)
    assert 0 <= result.mip_gap < 1


@pytest.mark.parametrize(("p", "limit_s"), [(5, 2.0), (10, 0.05)])
def test_p_median_on_400_nodes_cut_short_returns_p_sites_and_their_true_gap(graph400, p, limit_s):
    result = p_median(graph400, np.ones(400), p=p, time_limit_s=limit_s)
    assert result.status == "time_limit"
    assert len(result.sites) == p and (result.allocation >= 0).all()
    assert result.objective == graph400[:, list(result.sites)].min(axis=1).sum()
    assert_true_gap(result)
    assert result.bound > 0  # every node is a site, so the trivial bound would be 0: a gap of 1
    assert "Stopped at the time limit" in result.explanation


def test_a_longer_run_on_400_nodes_finds_a_plan_within_its_bound(graph400):
    quick = p_median(graph400, np.ones(400), p=5, time_limit_s=0.05)
    longer = p_median(graph400, np.ones(400), p=5, time_limit_s=2.0)
    assert longer.objective <= quick.objective
    assert quick.bound <= longer.objective and longer.bound <= quick.objective
    assert longer.mip_gap < 0.05


@pytest.mark.parametrize("limit_s", [0.0, 0.2])
def test_mclp_cut_short_returns_p_sites_no_better_than_the_optimum_within_its_bound(limit_s):
    rng = np.random.default_rng(11)
    d = rng.uniform(0, 5000, (200, 30))
    w = rng.integers(0, 20, 200).astype(float)
    quick = mclp(d, w, radius_m=800.0, p=5, time_limit_s=limit_s)
    assert quick.status == "time_limit" and len(quick.sites) == 5
    assert quick.objective == w[(d[:, list(quick.sites)] <= 800).any(axis=1)].sum()
    assert quick.objective <= 1328.0 <= quick.bound  # the optimum, proved by HiGHS in a few seconds
    assert_true_gap(quick, maximize=True)
    coverable = w[(d <= 800).any(axis=1)].sum()
    # with no time for it the bound is all coverable weight; given 0.1 s, the LP relaxation's
    assert quick.bound == coverable if limit_s == 0 else quick.bound < coverable


def test_mclp_without_a_limit_proves_the_optimum_the_cut_short_runs_are_checked_against():
    rng = np.random.default_rng(11)
    d = rng.uniform(0, 5000, (200, 30))
    result = mclp(d, rng.integers(0, 20, 200).astype(float), radius_m=800.0, p=5)
    assert result.status == "optimal" and result.objective == 1328.0 and result.mip_gap == 0.0


def test_lscp_with_demand_out_of_reach_is_infeasible_and_still_covers_the_rest():
    rng = np.random.default_rng(5)
    d = rng.uniform(0, 3000, (50, 12))
    far = [7, 21, 40]
    d[far] = 9000.0 + rng.uniform(0, 100, (3, 12))
    result = lscp(d, radius_m=900.0)
    rest = lscp(np.delete(d, far, axis=0), radius_m=900.0)
    assert rest.status == "optimal" and rest.uncoverable == ()
    assert result.status == "infeasible"
    assert result.uncoverable == tuple(far) and result.n_uncovered == 3
    assert len(result.sites) == len(rest.sites) and result.mip_gap == 0.0
    assert ((d[:, list(result.sites)] <= 900).any(axis=1) == ~np.isin(np.arange(50), far)).all()
    assert result.explanation.startswith("3 demand point(s) lie farther than 900 m")
    assert (f"Full coverage is impossible; this plan covers all 47 other demand point(s) with "
            f"{len(rest.sites)} site(s) (proved the fewest).") in result.explanation


def test_lscp_cut_short_with_demand_out_of_reach_still_returns_a_full_partial_cover():
    rng = np.random.default_rng(3)
    d = np.sqrt(((rng.uniform(0, 20000, (3000, 1, 2)) - rng.uniform(0, 20000, (1, 300, 2))) ** 2)
                .sum(-1))
    result = lscp(d, radius_m=1500.0, time_limit_s=0.0)
    coverable = (d <= 1500).any(axis=1)
    assert result.status == "infeasible" and result.n_uncovered == (~coverable).sum()
    assert (d[coverable][:, list(result.sites)] <= 1500).any(axis=1).all()
    assert result.bound <= result.objective and 0 <= result.mip_gap < 1
    assert "the fewest found by the time limit" in result.explanation or "proved" in result.explanation


def test_p_median_that_p_sites_cannot_serve_says_so_instead_of_optimal():
    result = p_median(np.array([[1.0, np.inf], [np.inf, 1.0]]), [1, 1], p=1)
    assert result.status == "infeasible"
    assert "p is too small to reach every demand point" in result.explanation


@pytest.mark.parametrize("seed", range(4))
def test_the_heuristic_plans_are_feasible_and_never_beat_highs(seed):
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, 5000, (60, 15))
    w = rng.integers(0, 20, 60).astype(float)
    median = p_median_plan(d, w, 3, deadline=np.inf)
    assert median.sum() == 3
    assert w @ d[:, median].min(axis=1) >= p_median(d, w, p=3).objective - 1e-9
    covering = mclp_plan(d <= 1200, w, 3, deadline=np.inf)
    assert covering.sum() == 3
    assert w @ (d[:, covering] <= 1200).any(axis=1) <= mclp(d, w, radius_m=1200.0, p=3).objective
    reach = d <= 2500
    cover = cover_plan(reach[reach.any(axis=1)])
    assert reach[reach.any(axis=1)][:, cover].any(axis=1).all()
    assert cover.sum() >= lscp(d, radius_m=2500.0).objective


@pytest.mark.parametrize("limit", [-1.0, float("nan"), "5"])
def test_a_time_limit_that_is_not_seconds_is_an_invalid_input(limit):
    with pytest.raises(InvalidInput, match="time_limit_s"):
        p_median(np.ones((2, 2)), [1, 1], p=1, time_limit_s=limit)


@pytest.mark.parametrize("module", [location_heuristics, location_models])
def test_the_docstring_examples_hold(module):
    outcome = doctest.testmod(module)
    assert outcome.attempted and not outcome.failed



@pytest.mark.parametrize("seed", range(6))
def test_the_lagrangian_bound_never_passes_the_exact_optimum_even_with_unreachable_pairs(seed):
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, 5000, (40, 9))
    d[rng.random(d.shape) < 0.2] = np.inf
    d[np.arange(40), rng.integers(0, 9, 40)] = rng.uniform(0, 5000, 40)  # each row reaches one
    w = rng.integers(0, 20, 40).astype(float)
    exact = p_median(d, w, p=4)
    brute = min(float(w @ d[:, list(s)].min(axis=1)) if np.isfinite(d[:, list(s)].min(axis=1)).all()
                else np.inf for s in itertools.combinations(range(9), 4))
    assert exact.status == "optimal" and exact.objective == pytest.approx(brute)
    assert p_median_bound(d, w, 4, upper=exact.objective, deadline=np.inf) <= exact.objective + 1e-6
    assert exact.bound <= exact.objective + 1e-6


def test_the_interchange_improves_a_given_plan_and_keeps_p_sites(graph400):
    w = np.ones(400)
    start = np.zeros(400, bool)
    start[:5] = True  # five sites side by side on the ring: a poor plan
    better = p_median_plan(graph400, w, 5, deadline=np.inf, start=start)
    assert better.sum() == 5 and start[:5].all() and start.sum() == 5  # the start is not changed
    assert graph400[:, better].min(axis=1).sum() < graph400[:, start].min(axis=1).sum()
    # a local optimum: no single swap lowers it further
    again = p_median_plan(graph400, w, 5, deadline=np.inf, start=better)
    assert (again == better).all()
