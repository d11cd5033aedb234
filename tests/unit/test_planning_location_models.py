"""MCLP, LSCP and p-median on matrices small enough to check by hand."""
from __future__ import annotations

import itertools

import numpy as np
import pytest

from geo.analysis.location_models import lscp, mclp, p_median
from geo.errors import InvalidInput

# three demand points on a line at 0, 1000, 2000 m; sites at 0, 1000, 2000 and 5000 m
POINTS = np.array([0.0, 1000.0, 2000.0])
SITES = np.array([0.0, 1000.0, 2000.0, 5000.0])
LINE = np.abs(POINTS[:, None] - SITES[None, :])


def brute_p_median(d: np.ndarray, w: np.ndarray, p: int) -> float:
    return min((w * d[:, list(s)].min(axis=1)).sum()
               for s in itertools.combinations(range(d.shape[1]), p))


def test_mclp_takes_the_site_in_the_middle_when_it_reaches_everyone():
    result = mclp(LINE, [1, 1, 1], radius_m=1000, p=1)
    assert result.sites == (1,)
    assert result.n_uncovered == 0 and result.covered_percent == 100.0
    assert result.allocation.tolist() == [1, 1, 1]


def test_mclp_prefers_heavy_demand_over_many_points():
    result = mclp(LINE, [10, 1, 1], radius_m=0, p=1)
    assert result.sites == (0,)
    assert result.objective == 10 and result.covered_demand == 10
    assert result.allocation.tolist() == [0, -1, -1]


def test_mclp_counts_a_zero_weight_point_within_reach_as_covered():
    result = mclp(LINE, [0, 1, 0], radius_m=2000, p=1)
    assert result.n_uncovered == 0


def test_lscp_covers_the_coverable_and_lists_the_rest():
    d = np.vstack([LINE, [9000, 9000, 9000, 9000]])
    result = lscp(d, radius_m=500)
    assert result.sites == (0, 1, 2)
    assert result.status == "infeasible"  # full coverage is impossible
    assert result.uncoverable == (3,)
    assert "1 demand point(s) lie farther than 500 m" in result.explanation
    assert "row 3 (nearest site 9000 m)" in result.explanation
    assert result.allocation.tolist() == [0, 1, 2, -1]


@pytest.mark.parametrize("p", [1, 2, 3, 4])
def test_p_median_equals_brute_force_on_a_random_city(p):
    rng = np.random.default_rng(p)
    d = rng.uniform(0, 5000, (40, 9))
    w = rng.integers(0, 20, 40).astype(float)
    result = p_median(d, w, p=p)
    assert result.status == "optimal"
    assert result.objective == pytest.approx(brute_p_median(d, w, p))


def test_p_median_serves_every_point_from_a_reachable_site():
    d = np.array([[100.0, np.inf], [np.inf, 100.0], [50.0, 60.0]])
    result = p_median(d, [1, 1, 1], p=2)
    assert result.sites == (0, 1)
    assert result.allocation.tolist() == [0, 1, 0]


@pytest.mark.parametrize("call", [
    lambda: mclp(LINE, [1, 1, 1], radius_m=1000, p=5),
    lambda: p_median(LINE, [1, 1, 1], p=0),
    lambda: mclp(LINE, [1, 1], radius_m=1000, p=1),
    lambda: p_median(LINE, [1, -1, 1], p=1),
    lambda: lscp(-LINE, radius_m=1000),
    lambda: p_median(np.full((2, 2), np.inf), [1, 1], p=1),
], ids=["p above sites", "p zero", "weights too short", "negative weight", "negative distance",
        "unreachable demand"])
def test_bad_input_is_an_invalid_input_error(call):
    with pytest.raises(InvalidInput):
        call()


@pytest.mark.parametrize("model", [mclp, p_median])
def test_a_model_cut_short_by_the_time_limit_reports_it(model):
    rng = np.random.default_rng(7)
    d = rng.uniform(0, 5000, (400, 60))
    kw = {"radius_m": 800.0} if model is mclp else {}
    result = model(d, rng.integers(0, 20, 400).astype(float), p=6, time_limit_s=0.0, **kw)
    assert result.status in {"optimal", "time_limit"}  # never no_solution: the heuristic's plan
    assert result.status != "optimal" or result.mip_gap == 0.0
    assert len(result.sites) == 6 and 0 <= result.mip_gap < 1
