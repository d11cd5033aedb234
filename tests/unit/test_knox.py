"""The Knox table: counts against a brute force over every pair, band edges, permutations."""
from __future__ import annotations

import numpy as np
import pytest

from geo.analysis.knox import day_columns, distance_rows, groups, knox


def brute_force(xy, days, band_m, bands, band_days, time_bands, metric):
    """Every pair by hand, band rules spelled out as the module's docstring states them."""
    table = np.zeros((bands + 2, time_bands + 1), dtype=np.int64)
    n = len(xy)
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = xy[i] - xy[j]
            d = abs(dx) + abs(dy) if metric == "manhattan" else float(np.hypot(dx, dy))
            whole = int(np.floor(d + 0.5))
            if whole == 0:
                r = 0
            else:
                r = next((k for k in range(1, bands + 1) if (k - 1) * band_m < whole <= k * band_m), bands + 1)
            dt = abs(int(days[i]) - int(days[j]))
            if dt <= band_days:
                c = 0
            else:
                c = next((k for k in range(1, time_bands) if k * band_days < dt <= (k + 1) * band_days),
                         time_bands)
            table[r, c] += 1
    return table


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_observed_counts_equal_a_brute_force_count_over_every_pair(metric, seed):
    rng = np.random.default_rng(seed)
    n = 260
    # whole-metre points on a coarse lattice: many distances fall exactly on band edges, many repeats
    xy = rng.integers(0, 12, (n, 2)).astype(float) * 50.0
    xy[:20] = xy[20:40]  # same locations
    days = rng.integers(0, 60, n)
    table = knox(xy, days, band_m=100, bands=3, band_days=7, time_bands=3, metric=metric, permutations=0)
    assert (table.observed == brute_force(xy, days, 100, 3, 7, 3, metric)).all()
    assert table.observed[0].sum() > 0 and table.observed[-1].sum() > 0 and table.observed[:, -1].sum() > 0


@pytest.mark.parametrize("metric", ["euclidean", "manhattan"])
def test_counts_match_on_continuous_coordinates_with_rounding_near_half_metres(metric):
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 600, (300, 2))
    xy[::7, 0] = np.round(xy[::7, 0]) + 0.5  # x offsets of exactly half a metre
    days = rng.integers(0, 40, 300)
    table = knox(xy, days, band_m=50, bands=4, band_days=5, time_bands=4, metric=metric, permutations=0)
    assert (table.observed == brute_force(xy, days, 50, 4, 5, 4, metric)).all()


def test_edges_belong_to_the_band_they_close():
    assert distance_rows(np.array([0.0, 0.49, 1.0, 100.0, 100.49, 100.5, 101.0, 200.0, 201.0]), 100, 2).tolist() \
        == [0, 0, 1, 1, 1, 2, 2, 2, 3]
    assert day_columns(np.array([0, -7, 7, 8, 14, -15, 21, 22, 400]), 7, 3).tolist() == [0, 0, 0, 1, 1, 2, 2, 3, 3]


def test_two_incidents_at_one_place_a_week_apart_fall_in_same_location_zero_to_seven_days():
    table = knox(np.array([[10.0, 10.0], [10.2, 10.0], [500.0, 0.0]]), np.array([0, 7, 100]), band_m=100,
                 bands=2, band_days=7, time_bands=2, permutations=0)
    assert table.observed[0, 0] == 1 and table.observed[-1, -1] == 2 and table.pairs == 3


def planted(rng, n_background=900, seeds=60):
    """Background burglaries uniform over a 5 km square and a year; after each of ``seeds`` of them,
    three near repeats within 80 m and 6 days."""
    xy = rng.uniform(0, 5000, (n_background, 2))
    days = rng.integers(0, 365, n_background)
    origin = rng.choice(n_background, seeds, replace=False)
    near_xy = np.repeat(xy[origin], 3, axis=0) + rng.uniform(-55, 55, (seeds * 3, 2))
    near_days = np.repeat(days[origin], 3) + rng.integers(0, 7, seeds * 3)
    return np.vstack([xy, near_xy]), np.concatenate([days, near_days])


def test_a_planted_near_repeat_pattern_is_found_near_the_origin_and_nowhere_far():
    xy, days = planted(np.random.default_rng(11))
    table = knox(xy, days, band_m=100, bands=5, band_days=7, time_bands=5, permutations=99, seed=3)
    over = table.over()
    assert over[1, 0], "within 100 m and 7 days the pairs are over-represented"
    assert table.ratio[1, 0] > 3
    assert not over[3:6, 1:5].any(), "far and late cells are not over-represented"
    assert groups(table)[0][:1] in ((0,), (1,))


def test_dates_shuffled_leave_at_most_the_false_positive_rate_over_the_table():
    rng = np.random.default_rng(12)
    xy, days = planted(rng)
    table = knox(xy, rng.permutation(days), band_m=100, bands=5, band_days=7, time_bands=5, permutations=99,
                 seed=4)
    cells = table.observed.size
    # each cell has a 5 % chance when nothing is there; 7·6 = 42 cells expect 2; 6 or more has p < 0.02
    assert table.over().sum() + table.under().sum() <= 6
    assert not table.over()[1, 0]
    assert cells == 42


def test_seeded_permutations_are_reproducible_and_another_seed_differs():
    xy, days = planted(np.random.default_rng(2), n_background=300, seeds=20)
    a = knox(xy, days, permutations=49, seed=9)
    b = knox(xy, days, permutations=49, seed=9)
    c = knox(xy, days, permutations=49, seed=10)
    assert np.array_equal(a.expected, b.expected) and np.array_equal(a.p, b.p)
    assert not np.array_equal(a.expected, c.expected)
    assert np.array_equal(a.observed, c.observed)


def test_p_values_follow_the_rank_rule_and_never_reach_zero():
    xy, days = planted(np.random.default_rng(3), n_background=300, seeds=20)
    table = knox(xy, days, permutations=19, seed=1)
    assert table.p.min() >= 1 / 20 and table.p.max() <= 1
    assert np.allclose(table.p * 20, np.round(table.p * 20))
    # every permutation keeps the n(n-1)/2 pairs: the expectation sums to them as well
    assert np.isclose(table.expected.sum(), table.pairs)


def test_the_table_round_trips_through_json():
    from geo.analysis.knox import KnoxTable
    xy, days = planted(np.random.default_rng(4), n_background=200, seeds=10)
    table = knox(xy, days, permutations=9, seed=2)
    again = KnoxTable.from_json(table.as_json())
    assert np.array_equal(again.observed, table.observed)
    assert np.allclose(again.p, table.p) and np.array_equal(again.over(), table.over())


def test_close_pairs_agree_with_pysal_pointpats_knox():
    """pointpats' global Knox counts pairs within delta metres and tau days: the sum of our cells
    inside those limits is the same number (distances on a 50 m lattice never fall between an edge
    and half a metre past it, where whole-metre rounding would differ)."""
    from pointpats.spacetime import Knox
    rng = np.random.default_rng(8)
    xy = rng.integers(0, 30, (400, 2)).astype(float) * 50.0
    days = rng.integers(0, 200, 400)
    table = knox(xy, days, band_m=100, bands=3, band_days=7, time_bands=3, permutations=0)
    for rows, cols in ((3, 1), (4, 2), (2, 3)):
        theirs = Knox(xy, days.reshape(-1, 1).astype(float), delta=(rows - 1) * 100, tau=cols * 7, permutations=0)
        assert table.observed[:rows, :cols].sum() == theirs.nst


def table_with_over(cells, bands=4, time_bands=3):
    """A table whose over-represented cells are exactly ``cells`` (row, column)."""
    from geo.analysis.knox import KnoxTable
    shape = (bands + 2, time_bands + 1)
    p, ratio = np.ones(shape), np.ones(shape)
    for r, c in cells:
        p[r, c], ratio[r, c] = 0.01, 2.0
    return KnoxTable(100.0, bands, 7, time_bands, "euclidean", 99, 1, 50, np.ones(shape, dtype=np.int64),
                     np.ones(shape), ratio, p, np.ones(shape))


@pytest.mark.parametrize("cells, said", [
    ([(0, 0), (0, 1)], ["Same location: over-represented for up to 14 days"]),
    ([(0, 0), (1, 0), (2, 0)], ["within 200 m: over-represented for up to 7 days"]),
    ([(1, 0), (1, 1), (2, 0)], ["within 100 m: over-represented for up to 14 days",
                                "101 to 200 m: over-represented for up to 7 days"]),
    ([(3, 0), (4, 0)], ["201 to 400 m: over-represented for up to 7 days"]),
    ([(1, 1), (5, 0)], ["no near repeat pattern: no band within 400 m has significantly more pairs than expected "
                        "in its first 7 days"]),
])
def test_plain_words_read_the_leading_significant_columns_of_each_row(cells, said):
    from geo.services.knox import plain_words
    assert [str(m) for m in plain_words(table_with_over(cells))] == said


@pytest.mark.parametrize("name", ["geo.analysis.knox", "geo.services.knox"])
def test_docstring_examples_run(name):
    import doctest
    import importlib
    assert doctest.testmod(importlib.import_module(name)).failed == 0
