"""OR-Library's p-median instances (tests/data/orlib, see its README) solved to their published optima."""
from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse
from scipy.sparse.csgraph import shortest_path

from geo.analysis.location_heuristics import p_median_bound, p_median_plan
from geo.analysis.location_models import _radius_model, _radius_rounds, p_median

ORLIB = Path(__file__).resolve().parents[1] / "data" / "orlib"
PUBLISHED = {"pmed1": 5819, "pmed5": 1355}  # Beasley, OR-Library pmedinfo


def orlib_instance(name: str, repeated: str = "last") -> tuple[np.ndarray, int]:
    """All-pairs shortest path lengths over the instance's undirected graph, and its p.

    ``repeated`` says which cost an edge listed more than once keeps: Beasley's note says the
    last; "first" and "min" are there to show that they give other optima."""
    numbers = (ORLIB / f"{name}.txt").read_text().split()
    n, n_edges, p = map(int, numbers[:3])
    edges = np.array(numbers[3:], dtype=int).reshape(-1, 3)
    assert len(edges) == n_edges
    cost: dict[tuple[int, int], int] = {}
    for a, b, c in edges:
        key = (min(a, b) - 1, max(a, b) - 1)
        if repeated == "last" or key not in cost:
            cost[key] = int(c)
        elif repeated == "min":
            cost[key] = min(cost[key], int(c))
    rows, cols = np.array(list(cost)).T
    graph = sparse.coo_array((list(cost.values()), (rows, cols)), shape=(n, n))
    return shortest_path(graph, directed=False), p


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_p_median_solves_the_orlib_instance_to_its_published_optimum(name):
    d, p = orlib_instance(name)
    result = p_median(d, np.ones(len(d)), p=p)
    assert result.status == "optimal" and result.mip_gap == 0.0
    assert len(result.sites) == p
    assert result.objective == PUBLISHED[name]
    assert d[np.arange(len(d)), result.allocation].sum() == PUBLISHED[name]


@pytest.mark.parametrize(("name", "repeated"), [("pmed1", "first"), ("pmed1", "min"), ("pmed5", "first")])
def test_an_edge_listed_twice_keeps_its_last_cost_as_beasley_says(name, repeated):
    d, p = orlib_instance(name, repeated)
    assert p_median(d, np.ones(len(d)), p=p).objective != PUBLISHED[name]


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_highs_alone_reaches_the_published_optimum_too(name):
    d, p = orlib_instance(name)
    w = np.ones(len(d))
    found, report, proved, bounds = _radius_rounds(d, w, p, None, time.perf_counter(), 60.0, 0.0)
    assert proved and report.status == "optimal"
    assert found.sum() == p and d[:, found].min(axis=1).sum() == PUBLISHED[name]
    assert max(bounds) == pytest.approx(PUBLISHED[name], rel=1e-9)


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_the_interchange_heuristic_and_the_lagrangian_bound_bracket_the_optimum(name):
    d, p = orlib_instance(name)
    w = np.ones(len(d))
    plan = p_median_plan(d, w, p, deadline=np.inf)
    upper = float(d[:, plan].min(axis=1).sum())
    bound = p_median_bound(d, w, p, upper=upper, deadline=np.inf)
    assert plan.sum() == p
    assert bound <= PUBLISHED[name] + 1e-6 <= upper + 1e-6
    # checked against HiGHS: the Lagrangian bound never passes the LP relaxation's optimum
    order = np.argsort(d, axis=1, kind="stable")
    reachable = np.full(len(d), d.shape[1])
    k = np.full(len(d), d.shape[1] - p)  # every level: the full model
    solver, cost, _ = _radius_model(np.take_along_axis(d, order, axis=1), order, w, k, reachable,
                                    p, None, 60.0, 0.0)
    lp = float(w @ d.min(axis=1)) + solver.relaxation_bound(cost)
    assert bound <= lp + 1e-6
    assert bound >= 0.99 * lp


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_with_no_time_at_all_the_orlib_instance_still_gets_p_sites_and_a_true_gap(name):
    d, p = orlib_instance(name)
    result = p_median(d, np.ones(len(d)), p=p, time_limit_s=0.0)
    assert result.status == "time_limit" and len(result.sites) == p
    assert result.objective == d[:, list(result.sites)].min(axis=1).sum() >= PUBLISHED[name]
    assert 0 < result.bound <= PUBLISHED[name]
    assert result.mip_gap == pytest.approx((result.objective - result.bound) / result.objective)
    assert 0 < result.mip_gap < 1


@pytest.mark.parametrize("name", sorted(PUBLISHED))
def test_half_a_second_is_enough_to_prove_the_orlib_optimum(name):
    d, p = orlib_instance(name)
    result = p_median(d, np.ones(len(d)), p=p, time_limit_s=0.5)
    assert result.status == "optimal" and result.objective == PUBLISHED[name]
