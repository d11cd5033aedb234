"""Reach: how many cells at the smallest permutation p Benjamini–Hochberg needs, checked against
scipy's own false discovery control."""
from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import false_discovery_control

from geo.services.hotspots import Reach


@pytest.mark.parametrize("cells, permutations", [(12_434, 99), (500, 99), (400, 999), (50, 9), (30, 19)])
def test_the_cells_needed_are_the_fewest_at_the_smallest_p_that_fdr_calls_significant(cells, permutations):
    reach = Reach.of(cells, permutations)
    floor = 2 / (permutations + 1)

    def significant(k: int) -> bool:  # k cells at the smallest p, the others at 1
        p = np.r_[np.full(k, floor), np.ones(cells - k)]
        return bool((false_discovery_control(p, method="bh") <= reach.q).any())

    if reach.needed > cells:
        assert not significant(cells)
    else:
        assert significant(reach.needed) and not significant(reach.needed - 1)


def test_analytic_p_values_have_no_floor_and_no_warning():
    reach = Reach.of(12_434, 0)
    assert reach.smallest_p is None and reach.needed == 0 and reach.warning() is None


def test_the_warning_says_when_nothing_can_be_significant_and_when_little_can():
    assert Reach.of(30, 9).needed > 30  # p >= 0.2 > q
    assert "no cell can be significant" in str(Reach.of(30, 9).warning())
    doubtful = Reach.of(12_434, 99)
    assert doubtful.needed == 2_487 and "at least 2,487 cells" in str(doubtful.warning())
    assert "248,679 permutations" in str(doubtful.warning())  # one cell alone: 2m/q - 1
    assert Reach.of(400, 9999).warning() is None  # 1 cell in 20,000 needed: nothing stands in the way
