"""Emerging hot spots: Mann–Kendall agrees with pyMannKendall, Gi* of a slice with esda, and every
pattern planted in a known cell of a seeded cube is found (hot and cold)."""
from __future__ import annotations

import warnings

import esda
import libpysal
import numpy as np
import pymannkendall
import pytest
from scipy import sparse

from geo.analysis.cells import grid_neighbours
from geo.analysis.emerging import (PATTERN_NAMES, classify, emerging_hot_spots, mann_kendall, space_time_gi,
                                  space_time_weights)
from geo.errors import InvalidInput

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:esda")

SIDE = 40  # a 40 x 40 grid of cells
STEPS = 10
BASE = 5.0  # a planted block's value in the steps where nothing is planted: the cube's mean, so z ≈ 0


@pytest.mark.parametrize("n", [4, 10, 25, 60])
@pytest.mark.parametrize("values", ["integers with ties", "continuous"])
def test_mann_kendall_agrees_with_pymannkendall_on_random_series(n, values):
    rng = np.random.default_rng(n)
    series = (rng.integers(0, 4, size=(20, n)).astype(float) if values == "integers with ties"
              else rng.normal(size=(20, n)).cumsum(axis=1))
    ours = mann_kendall(series)
    for i, row in enumerate(series):
        theirs = pymannkendall.original_test(row)
        assert ours.s[i] == theirs.s
        assert ours.var_s[i] == pytest.approx(theirs.var_s, rel=1e-12)
        assert ours.z[i] == pytest.approx(theirs.z, abs=1e-12)
        assert ours.p[i] == pytest.approx(theirs.p, abs=1e-12)
        assert ours.tau[i] == pytest.approx(theirs.Tau, abs=1e-12)


def test_mann_kendall_of_a_constant_series_is_no_trend():
    flat = mann_kendall([[3, 3, 3, 3, 3]])
    assert (flat.s[0], flat.z[0], flat.p[0]) == (0.0, 0.0, 1.0)


def _esda_w(matrix) -> libpysal.weights.W:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.WSP(sparse.csr_matrix(matrix)).to_W(silence_warnings=True)
    w.transform = "B"
    return w


def test_gi_star_of_one_slice_with_space_only_weights_agrees_with_esda():
    rng = np.random.default_rng(7)
    rows, cols = np.divmod(np.arange(30 * 20), 20)
    spatial = grid_neighbours(rows, cols, queen=True)
    y = rng.negative_binomial(2, 0.3, size=len(rows)).astype(float)
    z, p = space_time_gi(y[None, :], spatial, k=0)
    theirs = esda.G_Local(y, _esda_w(spatial), transform="B", star=True, permutations=0)
    np.testing.assert_allclose(z[0], theirs.Zs, rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(p[0], 2 * theirs.p_norm, rtol=1e-10, atol=1e-12)  # esda's is one-sided


def test_with_k_0_each_step_is_tested_against_the_whole_cube():
    rng = np.random.default_rng(8)
    rows, cols = np.divmod(np.arange(12 * 10), 10)
    spatial = grid_neighbours(rows, cols, queen=True)
    cube = rng.poisson(4, size=(5, len(rows))).astype(float)
    z, _p = space_time_gi(cube, spatial, k=0)
    # the same as esda's Gi* of the flattened cube with the slices' neighbours block by block
    blocks = sparse.block_diag([spatial] * 5, format="csr")
    theirs = esda.G_Local(cube.ravel(), _esda_w(blocks), transform="B", star=True, permutations=0)
    np.testing.assert_allclose(z.ravel(), theirs.Zs, rtol=1e-10, atol=1e-12)


def test_space_time_neighbours_reach_k_steps_back_and_never_forward():
    spatial = grid_neighbours(*np.divmod(np.arange(9), 3), queen=True)  # 3 x 3: the centre has 8
    w = space_time_weights(spatial, 4, 2)
    centre = lambda t: t * 9 + 4  # noqa: E731
    seen = set(w[[centre(3)], :].indices.tolist())
    assert seen == {t * 9 + i for t in (1, 2, 3) for i in range(9)} - {centre(3)}
    assert not set(w[[centre(0)], :].indices.tolist()) & {t * 9 + i for t in (1, 2, 3) for i in range(9)}


# What is planted in the 3 x 3 block around each centre, step by step (None: BASE).
HOT, COLD = 20.0, 0.0
PLANTS = {
    "new_hot": [None] * 9 + [HOT],
    "consecutive_hot": [None] * 7 + [HOT] * 3,
    "intensifying_hot": [12.0 + 2 * t for t in range(STEPS)],
    "persistent_hot": [HOT] * STEPS,
    "diminishing_hot": [30.0 - 2 * t for t in range(STEPS)],
    "sporadic_hot": [None, None, HOT, None, None, HOT, None, None, None, HOT],
    "oscillating_hot": [None, None, None, COLD, None, None, HOT, None, None, HOT],
    "historical_hot": [HOT] * 9 + [None],
    "new_cold": [None] * 9 + [COLD],
    "consecutive_cold": [None] * 7 + [COLD] * 3,
    "intensifying_cold": [2, 2, 2, 1, 1, 1, 1, 0, 0, 0],
    "persistent_cold": [COLD] * STEPS,
    "diminishing_cold": [0, 0, 0, 1, 1, 1, 1, 2, 2, 2],
    "sporadic_cold": [None, None, COLD, None, None, COLD, None, None, None, COLD],
    "oscillating_cold": [None, None, None, HOT, None, None, COLD, None, None, COLD],
    "historical_cold": [COLD] * 9 + [None],
    "none": [None] * STEPS,
}


@pytest.fixture(scope="module")
def planted():
    """A seeded 10-step cube of 40 x 40 cells (Poisson counts of mean 5), each pattern planted in the
    3 x 3 block around its own centre (blocks 6 cells apart), and the centres by pattern."""
    rng = np.random.default_rng(20261204)
    cube = rng.poisson(BASE, size=(STEPS, SIDE, SIDE)).astype(float)
    centres = {}
    for n, (name, plan) in enumerate(PLANTS.items()):
        r, c = 3 + 6 * (n // 6), 3 + 6 * (n % 6)
        for t, value in enumerate(plan):
            cube[t, r - 1:r + 2, c - 1:c + 2] = BASE if value is None else value
        centres[name] = r * SIDE + c
    rows, cols = np.divmod(np.arange(SIDE * SIDE), SIDE)
    return cube.reshape(STEPS, -1), grid_neighbours(rows, cols, queen=True), centres


@pytest.mark.parametrize("pattern", list(PLANTS))
def test_each_planted_pattern_is_classified_in_its_cell(planted, pattern):
    cube, spatial, centres = planted
    found = emerging_hot_spots(cube, spatial, k=0, apply_fdr=False)
    assert found.pattern[centres[pattern]] == pattern


def test_the_planted_patterns_survive_the_false_discovery_rate(planted):
    cube, spatial, centres = planted
    found = emerging_hot_spots(cube, spatial, k=0, apply_fdr=True)
    assert {name: found.pattern[i] for name, i in centres.items()} == {name: name for name in centres}


def test_a_time_neighbourhood_spreads_a_single_hot_step_into_the_next():
    rows, cols = np.divmod(np.arange(SIDE * SIDE), SIDE)
    spatial = grid_neighbours(rows, cols, queen=True)
    cube = np.random.default_rng(3).poisson(BASE, size=(STEPS, SIDE * SIDE)).astype(float)
    centre = 20 * SIDE + 20
    block = [r * SIDE + c for r in (19, 20, 21) for c in (19, 20, 21)]
    cube[:, block] = BASE
    cube[8, block] = 40.0
    alone = emerging_hot_spots(cube, spatial, k=0, apply_fdr=False)
    carried = emerging_hot_spots(cube, spatial, k=1, apply_fdr=False)
    assert alone.pattern[centre] == "none" or alone.p_used[9, centre] >= 0.10
    assert carried.p_used[9, centre] < 0.10 and carried.z[9, centre] > 0  # step 8 is in step 9's neighbourhood
    assert carried.pattern[centre] == "consecutive_hot"


def test_counts_trend_is_reported_beside_the_pattern(planted):
    cube, spatial, centres = planted
    found = emerging_hot_spots(cube, spatial, k=0, apply_fdr=False)
    assert found.count_trend.z[centres["intensifying_hot"]] > 0 and found.count_trend.p[centres["intensifying_hot"]] < 0.01
    assert found.count_trend.z[centres["diminishing_hot"]] < 0


def test_every_cell_gets_a_known_pattern_name(planted):
    cube, spatial, _centres = planted
    assert set(emerging_hot_spots(cube, spatial).pattern) <= set(PATTERN_NAMES)


def test_too_few_steps_is_refused_with_a_reason():
    with pytest.raises(InvalidInput, match="at least 3 time steps"):
        emerging_hot_spots(np.ones((2, 9)), grid_neighbours(*np.divmod(np.arange(9), 3)))


def test_a_cell_hot_long_ago_and_cold_now_takes_the_pattern_of_now():
    hot = np.array([[1] * 9 + [0]], dtype=bool)
    cold = np.array([[0] * 9 + [1]], dtype=bool)
    assert classify(hot, cold, np.zeros(1, bool), np.zeros(1, bool)).tolist() == ["new_cold"]
