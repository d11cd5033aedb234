"""Gi*, Local Moran and global Moran agree with PySAL's esda; FDR, classes and islands behave."""
from __future__ import annotations

import warnings

import esda
import geopandas as gpd
import libpysal
import numpy as np
import pytest
from scipy import sparse, stats
from shapely.geometry import box

from geo.analysis.cells import distance_band, grid_neighbours
from geo.analysis.hotspots import (confidence_class, fdr, gi_star, global_moran, global_moran_i,
                                   local_g, local_moran, local_moran_i)
from geo.errors import InvalidInput

# esda's own notices about its future defaults and numpy aliases are not ours to act on
pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning:esda")

ESDA_POINTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
ESDA_Y = np.array([2, 3, 3.2, 5, 8, 7])


def esda_w(matrix) -> libpysal.weights.W:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = libpysal.weights.WSP(sparse.csr_matrix(matrix)).to_W(silence_warnings=True)
    w.transform = "B"  # binary, so esda's Gi* takes a self-weight of 1 as ours does
    return w


@pytest.fixture(scope="module")
def random_grid():
    """A 40 x 30 grid (1,200 cells) of skewed counts with queen neighbours."""
    rng = np.random.default_rng(20240501)
    rows, cols = np.divmod(np.arange(40 * 30), 30)
    y = rng.negative_binomial(2, 0.3, size=len(rows)).astype(float)
    return y, grid_neighbours(rows, cols, queen=True)


@pytest.mark.parametrize(("star", "row_standardise", "expected"), [
    pytest.param(False, False, -1.0136729, id="Gi binary"),
    pytest.param(False, True, -0.62074534, id="Gi row-standardised"),
    pytest.param(True, False, -1.39727626, id="Gi* binary"),
    pytest.param(True, True, -0.62488094, id="Gi* row-standardised"),
])
def test_gi_gives_esdas_own_example_values(star, row_standardise, expected):
    w = distance_band(np.array(ESDA_POINTS, dtype=float), 15)
    g = local_g(ESDA_Y, w, star=star, row_standardise=row_standardise)
    assert g.z[0] == pytest.approx(expected, abs=1e-6)


def test_distance_band_matches_libpysal_on_esdas_example():
    ours = distance_band(np.array(ESDA_POINTS, dtype=float), 15)
    theirs = libpysal.weights.DistanceBand(ESDA_POINTS, threshold=15).sparse
    assert abs(ours - theirs).sum() == 0


@pytest.mark.parametrize("star", [True, False], ids=["Gi*", "Gi"])
@pytest.mark.parametrize("row_standardise", [False, True], ids=["binary", "row-standardised"])
def test_gi_z_agrees_with_esda_on_a_random_grid_of_1200_cells(random_grid, star, row_standardise):
    y, w = random_grid
    theirs = esda.G_Local(y, esda_w(w), transform="R" if row_standardise else "B", star=star,
                          permutations=0)
    ours = local_g(y, w, star=star, row_standardise=row_standardise)
    np.testing.assert_allclose(ours.value, theirs.Gs, rtol=0, atol=1e-12)
    np.testing.assert_allclose(ours.z, theirs.Zs, rtol=0, atol=1e-9)


def test_local_moran_agrees_with_esda_on_a_random_grid_of_1200_cells(random_grid):
    y, w = random_grid
    theirs = esda.Moran_Local(y, esda_w(w), transformation="r", permutations=0)
    ours = local_moran_i(y, w)
    np.testing.assert_allclose(ours.value, theirs.Is, rtol=0, atol=1e-9)
    np.testing.assert_allclose(ours.z, (theirs.Is - theirs.EI) / np.sqrt(theirs.VI), rtol=0, atol=1e-9)
    assert (ours.quadrant == np.array(["HH", "LH", "LL", "HL"])[theirs.q - 1]).all()


def test_global_moran_agrees_with_esda_on_a_random_grid(random_grid):
    y, w = random_grid
    theirs = esda.Moran(y, esda_w(w), transformation="r", permutations=0)
    ours = global_moran_i(y, w)
    assert ours.i == pytest.approx(theirs.I, abs=1e-12)
    assert ours.z_norm == pytest.approx(theirs.z_norm, abs=1e-9)
    assert ours.z_rand == pytest.approx(theirs.z_rand, abs=1e-9)
    assert ours.p_norm == pytest.approx(theirs.p_norm, abs=1e-12)


def test_permutation_results_behave_like_esdas_and_repeat_with_the_same_seed(random_grid):
    y, w = random_grid
    first = local_g(y, w, permutations=499, seed=7)
    again = local_g(y, w, permutations=499, seed=7)
    np.testing.assert_array_equal(first.p_sim, again.p_sim)
    theirs = esda.G_Local(y, esda_w(w), transform="B", star=True, permutations=499, seed=7)
    assert np.corrcoef(first.z_sim, theirs.z_sim)[0, 1] > 0.99
    assert np.corrcoef(first.z_sim, first.z)[0, 1] > 0.9  # as esda: 0.94 on these skewed counts
    assert ((first.p_sim > 0) & (first.p_sim <= 1)).all()


def test_local_moran_permutations_track_esdas_conditional_randomisation(random_grid):
    y, w = random_grid
    ours = local_moran_i(y, w, permutations=499, seed=3)
    theirs = esda.Moran_Local(y, esda_w(w), permutations=499, seed=3)
    assert np.corrcoef(ours.z_sim, theirs.z_sim)[0, 1] > 0.99


def test_fdr_is_scipys_benjamini_hochberg_and_leaves_islands_out():
    p = np.array([0.001, 0.04, np.nan, 0.03, 0.5])
    adjusted = fdr(p)
    np.testing.assert_allclose(adjusted[[0, 1, 3, 4]],
                               stats.false_discovery_control(p[[0, 1, 3, 4]], method="bh"))
    assert np.isnan(adjusted[2])


@pytest.mark.parametrize(("z", "p", "expected"), [
    (3.0, 0.005, 3), (2.2, 0.03, 2), (1.7, 0.08, 1), (1.0, 0.3, 0),
    (-3.0, 0.005, -3), (-2.0, 0.049, -2), (-1.7, 0.099, -1), (np.nan, np.nan, 0),
])
def test_confidence_class_is_signed_99_95_90_percent(z, p, expected):
    assert confidence_class(np.array([z]), np.array([p]))[0] == expected


def test_an_isolated_cell_is_flagged_counted_and_left_out_without_crashing():
    rows, cols = np.divmod(np.arange(25), 5)
    w = grid_neighbours(rows, cols).tolil()
    w[12, :], w[:, 12] = 0, 0  # the middle cell loses its neighbours
    y = np.arange(25.0)
    g = local_g(y, w.tocsr())
    assert g.island[12] and g.island.sum() == 1
    assert np.isnan(g.z[12]) and np.isfinite(np.delete(g.z, 12)).all()
    lisa = local_moran_i(y, w.tocsr())
    assert np.isnan(lisa.z[12]) and lisa.quadrant[12] == ""
    assert global_moran_i(y, w.tocsr()).islands == 1


def grid_frame(values: np.ndarray, side: int) -> gpd.GeoDataFrame:
    rows, cols = np.divmod(np.arange(side * side), side)
    squares = [box(c, r, c + 1, r + 1) for r, c in zip(rows, cols, strict=True)]
    return gpd.GeoDataFrame({"count": values}, geometry=squares, crs="EPSG:32643")


def test_gi_star_on_cells_finds_the_planted_hot_spot_after_fdr():
    rng = np.random.default_rng(0)
    counts = rng.poisson(1.0, 400).astype(float)
    counts[[189, 190, 191, 209, 210, 211, 229, 230, 231]] += 12  # a 3 x 3 hot spot in the middle
    out = gi_star(grid_frame(counts, 20))
    assert out.loc[210, "gi_class"] == 3
    assert out.loc[out["gi_z"].idxmax(), "gi_p_fdr"] < 0.01
    assert (out["gi_p_fdr"] >= out["gi_p"] - 1e-15).all()
    assert out.attrs["gi_star"]["islands"] == 0
    assert out.attrs["gi_star"]["fdr_method"] == "Benjamini-Hochberg"


def test_local_moran_on_cells_labels_the_planted_cluster_high_high():
    counts = np.zeros(400)
    counts[[189, 190, 191, 209, 210, 211, 229, 230, 231]] = 10
    counts += np.random.default_rng(1).poisson(0.5, 400)
    out = local_moran(grid_frame(counts, 20))
    assert out.loc[210, "lisa_cluster"] == "HH"
    assert set(out["lisa_cluster"]) <= {"HH", "LL", "HL", "LH", "ns", "island"}


def test_cells_far_from_all_others_are_islands_under_a_distance_band():
    cells = grid_frame(np.arange(9.0), 3)
    cells.loc[8, "geometry"] = box(50, 50, 51, 51)
    out = gi_star(cells, method="distance", distance_m=1.5)
    assert out["island"].tolist() == [False] * 8 + [True]
    assert out.attrs["gi_star"]["islands"] == 1
    assert out.loc[8, "gi_class"] == 0
    assert global_moran(cells, method="distance", distance_m=1.5).islands == 1


def test_counts_that_never_vary_are_refused_with_a_message():
    with pytest.raises(InvalidInput, match="same count"):
        gi_star(grid_frame(np.zeros(16), 4))


def test_an_empty_cell_among_empty_cells_is_not_called_significant_by_permutations():
    counts = np.zeros(400)
    counts[[0, 1, 20, 21]] = [30, 25, 28, 40]  # one busy corner, the rest empty
    out = gi_star(grid_frame(counts, 20), permutations=999, seed=1)
    quiet = out.index[210]  # far from the corner: it and all its neighbours are empty
    assert out.loc[quiet, "gi_p_sim"] == 1.0
    assert out.loc[quiet, "gi_class"] == 0
