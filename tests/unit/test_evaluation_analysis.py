"""The before/after evaluation on synthetic weekly counts: a planted effect is recovered, no effect is
covered, small counts say nothing (geo.analysis.evaluation; design choices D, issue 17 section 3)."""
from __future__ import annotations

import doctest

import numpy as np
import pytest

from geo.analysis import evaluation as ev

WEEKS = 8


def world(seed: int, *, effect: float = 1.0, controls: int = 8, level: float = 10.0, ring_effect: float = 1.0):
    """A patrolled place and ``controls`` candidates with Poisson weekly counts around ``level``; a
    common trend of +20 % after; the patrolled place's rate multiplied by ``effect`` after (its
    ring's by ``ring_effect``)."""
    rng = np.random.default_rng(seed)
    trend = np.r_[np.ones(WEEKS), np.full(WEEKS, 1.2)]

    def place(rate: float, after: float, ring_after: float):
        factor = np.r_[np.ones(WEEKS), np.full(WEEKS, after)]
        ring_factor = np.r_[np.ones(WEEKS), np.full(WEEKS, ring_after)]
        return (tuple(int(n) for n in rng.poisson(rate * trend * factor)),
                tuple(int(n) for n in rng.poisson(rate / 2 * trend * ring_factor)))

    target = place(level, effect, ring_effect)
    candidates = {i: place(level * rng.uniform(0.6, 1.4), 1.0, 1.0) for i in range(1, controls + 1)}
    return target, candidates


def test_the_module_examples_hold():
    assert doctest.testmod(ev).failed == 0


@pytest.mark.parametrize("seed", range(8))
def test_a_planted_halving_is_recovered_within_its_interval(seed):
    target, candidates = world(seed, effect=0.5)
    found = ev.evaluate(target, candidates, k=5)
    assert found.effect.low <= 0.5 <= found.effect.high
    assert found.effect.high < 1.0 and found.verdict == ev.FEWER


@pytest.mark.parametrize("seed", range(4))
def test_a_planted_doubling_is_recovered_and_said_to_be_more(seed):
    target, candidates = world(100 + seed, effect=2.0)
    found = ev.evaluate(target, candidates, k=5)
    assert found.effect.low <= 2.0 <= found.effect.high and found.verdict == ev.MORE


def test_without_an_effect_the_interval_covers_no_change_in_at_least_90_percent_of_seeds():
    covered = 0
    for seed in range(100):
        target, candidates = world(1_000 + seed)
        e = ev.evaluate(target, candidates, k=5).effect
        covered += e.low <= 1.0 <= e.high
    assert covered >= 90, covered


def test_displacement_into_the_ring_shows_in_the_ring_estimate_and_a_negative_quotient():
    target, candidates = world(7, effect=0.4, ring_effect=2.5)
    found = ev.evaluate(target, candidates, k=5)
    assert found.verdict == ev.FEWER and found.ring_verdict == ev.MORE
    assert found.wdq is not None and found.wdq < 0


def test_small_counts_say_too_small_to_say_anything():
    target, candidates = world(3, level=0.4)  # about 6 incidents over 16 weeks
    found = ev.evaluate(target, candidates, k=5, rules=ev.Rules(min_count=10))
    assert found.before + found.after < 10 and found.verdict == ev.TOO_SMALL


def test_a_window_without_any_incident_at_the_place_has_no_estimate():
    found = ev.evaluate(((0,) * 16, (1,) * 16), {1: ((3,) * 16, (1,) * 16)}, k=1, rules=ev.Rules(min_count=0))
    assert found.effect is None and found.verdict == ev.TOO_SMALL


def test_a_wide_interval_says_too_wide_to_say():
    target, candidates = world(5, level=2.0)
    loose = ev.evaluate(target, candidates, k=1, rules=ev.Rules(min_count=0, max_interval_ratio=1.5))
    assert loose.effect is not None and loose.verdict == ev.TOO_WIDE


def test_controls_are_the_nearest_on_the_before_count_ties_to_the_lower_id():
    assert ev.match_controls(20, {5: 19, 3: 21, 9: 40, 1: 0, 2: 22}, 3) == [3, 5, 2]
    assert ev.match_controls(20, {}, 3) == []


def test_no_candidate_says_no_controls_and_an_unfinished_window_says_not_over():
    target, candidates = world(1)
    assert ev.evaluate(target, {}, k=5).verdict == ev.NO_CONTROLS
    unfinished = ev.evaluate(target, candidates, k=5, over=False)
    assert unfinished.verdict == ev.NOT_OVER and unfinished.effect is None


def test_the_weighted_displacement_quotient_follows_bowers_and_johnson():
    # (Ra/Ca - Rb/Cb) / (Ta/Ca - Tb/Cb) = (12/50 - 10/50) / (10/50 - 20/50) = -0.2
    assert ev.weighted_displacement_quotient(target=(20, 10), ring=(10, 12), control=(50, 50)) == pytest.approx(-0.2)
    assert ev.weighted_displacement_quotient(target=(10, 20), ring=(10, 12), control=(50, 50)) is None  # no success
    assert ev.weighted_displacement_quotient(target=(20, 10), ring=(10, 12), control=(0, 50)) is None


def test_overdispersed_weeks_widen_the_interval():
    rng = np.random.default_rng(11)
    calm, wild = world(11)
    lumpy = (tuple(int(n) for n in rng.negative_binomial(2, 2 / 12, 16)), calm[1])
    steady = ev.evaluate(calm, wild, k=5).effect
    spread = ev.evaluate(lumpy, wild, k=5).effect
    assert spread.dispersion > steady.dispersion
    assert np.log(spread.high / spread.low) > np.log(steady.high / steady.low)
