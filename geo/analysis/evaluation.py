"""Before/after evaluation of a patrolled place against comparable unpatrolled places.

The design (issue 17, section 3):

- **When patrols began**: the start of the shift of the target's first confirmed (or acknowledged)
  assignment. The *before* and *after* windows are ``weeks`` weeks each side of it (equal lengths),
  counted week by week.
- **Controls**: targets of the same table and kind (patrol zones with patrol zones, public places of
  the same place kind, events of the same event kind) that had no assignment in the whole window.
  Of those, the ``k`` nearest to the target in the number of incidents of the *before* window are
  kept (nearest neighbours on the pre-period **count**, ties to the lower id; a count, not a rate per
  km², because a station or a street has no meaningful area of its own).
- **Estimate**: a Poisson difference in differences on the weekly counts of the target and its
  controls: ``log E[count] = place + after + δ · patrolled · after``. ``exp(δ)`` is the *rate ratio*:
  how the target's incidents changed after patrols began, relative to how its controls changed
  (0.7: 30 % fewer than the controls' trend predicts). Counts of incidents at a place are small,
  never negative and their spread grows with their level, which a Poisson model expects and a
  linear model on counts or on log(1 + count) does not; a multiplicative effect also compares a
  busy place with quieter controls fairly. The model is fitted by statsmodels' GLM; its standard
  error is widened by the Pearson dispersion of the weekly counts when they vary more than Poisson
  (quasi-Poisson, never narrowed), and the 95 % interval is ``exp(δ ± 1.96 se)``.
- **Too small to say**: when the target's before + after incidents are fewer than ``min_count``,
  when a period has no incident at the target or at the controls (the ratio is then undefined), or
  when the interval is too wide: its upper bound more than ``max_interval_ratio`` times its lower.
- **Displacement**: the ring around the target (``ring_m`` metres outside it) is compared in the
  same way with the controls' rings, and the weighted displacement quotient of Bowers & Johnson
  (2003, "Measuring the geographical displacement and diffusion of benefit effects of crime
  prevention activity", Journal of Quantitative Criminology 19(3), 275-301) is given:
  ``WDQ = (Ra/Ca - Rb/Cb) / (Ta/Ca - Tb/Cb)``, with T the target, R its ring and C the controls,
  b before and a after. It is read only when the target improved against the controls (the
  denominator below zero): above 0 a diffusion of benefits to the ring, below 0 displacement into
  it, below -1 more displaced than prevented. kuzet gives it only where the target's own verdict is
  "fewer": a quotient of a change the interval cannot tell from none is noise.

Limits, said on the page too: patrols are not assigned at random (busy places are chosen), so a
count that falls back from an unusual peak looks like an effect (regression to the mean; matching on
the before level softens it, it does not remove it); controls can be few or poor; incidents are
what was recorded, and patrols change what gets recorded.
"""
from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

Z95 = 1.959963984540054  # the normal quantile of a two-sided 95 % interval

FEWER, MORE, UNCLEAR = "fewer", "more", "no-clear-change"
TOO_SMALL, TOO_WIDE, NO_CONTROLS, NOT_OVER = "too-small", "too-wide", "no-controls", "not-over"
VERDICTS = (FEWER, MORE, UNCLEAR, TOO_SMALL, TOO_WIDE, NO_CONTROLS, NOT_OVER)


@dataclass(frozen=True)
class Rules:
    """When an evaluation says nothing: fewer than ``min_count`` incidents at the target in both
    windows together, or an interval whose upper bound exceeds ``max_interval_ratio`` times its lower."""

    min_count: int = 10
    max_interval_ratio: float = 10.0


@dataclass(frozen=True)
class RateRatio:
    """A Poisson difference in differences: ``ratio = exp(δ)`` and its 95 % interval."""

    ratio: float
    low: float
    high: float
    dispersion: float  # the Pearson dispersion used (1: Poisson)

    @property
    def percent(self) -> float:
        """The change against the controls' trend, in per cent (-30: 30 % fewer)."""
        return (self.ratio - 1.0) * 100.0

    def as_json(self) -> dict:
        return {"ratio": self.ratio, "low": self.low, "high": self.high, "percent": self.percent,
                "dispersion": self.dispersion}


def match_controls(target_before: int, candidates: dict[int, int], k: int) -> list[int]:
    """The ids of the ``k`` candidates whose before-window count is nearest ``target_before``
    (ties: the lower id first).

    >>> match_controls(10, {1: 3, 2: 11, 3: 9, 4: 30}, 2)
    [2, 3]
    """
    if not candidates or k <= 0:
        return []
    ids = np.fromiter(candidates, dtype=np.int64)
    distance = np.abs(np.array([candidates[i] for i in ids], dtype=float) - target_before)
    order = np.lexsort((ids, distance))
    return [int(i) for i in ids[order[:k]]]


def poisson_did(weekly: pd.DataFrame) -> RateRatio | None:
    """The Poisson difference in differences of weekly counts (columns ``place``, ``treated``,
    ``after``, ``count``): ``count ~ place + after + treated:after``; None when a period has no
    incident at the treated place or at the controls (the ratio is then 0 or infinite).

    >>> rows = [(p, p == 0, a, n) for p, n0, n1 in ((0, 10, 5), (1, 10, 10)) for a, n in ((False, n0), (True, n1))]
    >>> frame = pd.DataFrame(rows, columns=["place", "treated", "after", "count"])
    >>> round(poisson_did(frame).ratio, 3)
    0.5
    """
    import statsmodels.api as sm  # heavy: imported when an evaluation runs
    from statsmodels.tools.sm_exceptions import PerfectSeparationWarning

    totals = weekly.groupby(["treated", "after"])["count"].sum()
    if len(totals) < 4 or (totals <= 0).any():
        return None
    places = pd.get_dummies(weekly["place"].astype("category"), prefix="place", drop_first=False, dtype=float)
    design = pd.concat([places, weekly["after"].astype(float).rename("after"),
                        (weekly["treated"] & weekly["after"]).astype(float).rename("effect")], axis=1)
    with warnings.catch_warnings():  # weeks fitted exactly (a toy example, constant counts) are not an error
        warnings.simplefilter("ignore", PerfectSeparationWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        result = sm.GLM(weekly["count"].astype(float), design, family=sm.families.Poisson()).fit()
    dispersion = max(1.0, float(result.pearson_chi2 / result.df_resid)) if result.df_resid > 0 else 1.0
    delta = float(result.params["effect"])
    se = float(result.bse["effect"]) * np.sqrt(dispersion)
    return RateRatio(ratio=float(np.exp(delta)), low=float(np.exp(delta - Z95 * se)),
                     high=float(np.exp(delta + Z95 * se)), dispersion=dispersion)


def weighted_displacement_quotient(*, target: tuple[int, int], ring: tuple[int, int],
                                   control: tuple[int, int]) -> float | None:
    """Bowers & Johnson's (2003) WDQ from (before, after) counts; None when it cannot be read: a
    control count is zero, or the target did not improve against the controls.

    >>> weighted_displacement_quotient(target=(20, 10), ring=(10, 15), control=(40, 40))
    -0.5
    """
    (tb, ta), (rb, ra), (cb, ca) = target, ring, control
    if cb <= 0 or ca <= 0:
        return None
    success = ta / ca - tb / cb
    if success >= 0:
        return None
    return (ra / ca - rb / cb) / success


def frame_of(target_weeks, control_weeks: list) -> pd.DataFrame:
    """The weekly rows of a target (place 0) and its controls (1..k); weeks ``-n..n-1`` split in
    halves, the second half *after*."""
    rows = []
    for place, weeks in enumerate([target_weeks, *control_weeks]):
        n = len(weeks) // 2
        rows.extend((place, place == 0, i >= n, int(c)) for i, c in enumerate(weeks))
    return pd.DataFrame(rows, columns=["place", "treated", "after", "count"])


def verdict(estimate: RateRatio | None, before: int, after: int, rules: Rules) -> str:
    """What can be said: fewer, more, no clear change, or too small / too wide to say."""
    if before + after < rules.min_count or estimate is None:
        return TOO_SMALL
    if estimate.high > rules.max_interval_ratio * estimate.low:
        return TOO_WIDE
    if estimate.high < 1.0:
        return FEWER
    if estimate.low > 1.0:
        return MORE
    return UNCLEAR


@dataclass(frozen=True)
class Evaluation:
    """One patrolled target's before/after comparison (counts over each whole window)."""

    controls: tuple[int, ...]
    before: int
    after: int
    control_before: int
    control_after: int
    ring_before: int
    ring_after: int
    control_ring_before: int
    control_ring_after: int
    effect: RateRatio | None
    ring_effect: RateRatio | None
    wdq: float | None
    verdict: str
    ring_verdict: str

    @property
    def expected_after(self) -> float | None:
        """The target's after count had it followed its controls' trend (None: controls had none before)."""
        return self.before * self.control_after / self.control_before if self.control_before else None


def _halves(weeks) -> tuple[int, int]:
    n = len(weeks) // 2
    return int(sum(weeks[:n])), int(sum(weeks[n:]))


def evaluate(target: tuple, candidates: dict[int, tuple], *, k: int, rules: Rules = Rules(),
             over: bool = True) -> Evaluation:
    """Compare a patrolled target with its ``k`` best-matched candidates.

    ``target`` and each candidate are ``(area weeks, ring weeks)``: incidents per week over the
    window, the first half before patrols began. ``over`` False (the after window has not ended)
    gives the verdict ``not-over`` and no estimate.

    >>> busy = ([10] * 4 + [5] * 4, [3] * 8)
    >>> same = {i: ([10] * 8, [3] * 8) for i in (1, 2, 3)}
    >>> e = evaluate(busy, same, k=2)
    >>> e.controls, e.before, e.after, round(e.effect.ratio, 2), e.verdict
    ((1, 2), 40, 20, 0.5, 'fewer')
    """
    before, after = _halves(target[0])
    ring_before, ring_after = _halves(target[1])
    pre = {unit: _halves(weeks[0])[0] for unit, weeks in candidates.items()}
    controls = match_controls(before, pre, k)
    c_area = [candidates[c][0] for c in controls]
    c_ring = [candidates[c][1] for c in controls]
    cb, ca = (sum(_halves(w)[0] for w in c_area), sum(_halves(w)[1] for w in c_area))
    crb, cra = (sum(_halves(w)[0] for w in c_ring), sum(_halves(w)[1] for w in c_ring))
    effect = ring_effect = wdq = None
    if not controls:
        found, ring_found = NO_CONTROLS, NO_CONTROLS
    elif not over:
        found, ring_found = NOT_OVER, NOT_OVER
    else:
        effect = poisson_did(frame_of(target[0], c_area))
        ring_effect = poisson_did(frame_of(target[1], c_ring))
        found = verdict(effect, before, after, rules)
        ring_found = verdict(ring_effect, ring_before, ring_after, rules)
        if found == FEWER:  # a quotient of a change the estimate cannot tell from none is noise
            wdq = weighted_displacement_quotient(target=(before, after), ring=(ring_before, ring_after),
                                                 control=(cb, ca))
    return Evaluation(controls=tuple(controls), before=before, after=after, control_before=cb, control_after=ca,
                      ring_before=ring_before, ring_after=ring_after, control_ring_before=crb,
                      control_ring_after=cra, effect=effect, ring_effect=ring_effect, wdq=wdq, verdict=found,
                      ring_verdict=ring_found)
