"""Emerging hot spots: Gi* over a space–time cube, Mann–Kendall trends, and ArcGIS Pro's pattern classes.

The cube holds one value per time step and cell, ``cube[t, i]`` (incidents of cell ``i`` in step
``t``). Each bin's Gi* is computed over **space–time neighbours**: the cells within the spatial
neighbourhood (the cell itself included, as in Gi*) in the same step and in the ``k`` previous
steps — ArcGIS Pro's "neighborhood time step" looks back only. The mean and variance in Gi* are
those of every bin of the cube (n = steps × cells), as in ArcGIS Pro, where the cube is one
sample. With one step, or ``k = 0`` and one step, this is the ordinary Gi* of that slice (esda's
``G_Local(star=True)``; tests/unit/test_emerging.py checks it).

A bin is a **significant hot (cold) spot** when its two-sided p is below ``alpha`` = 0.10 (90 %
confidence, as ArcGIS Pro counts it) and its z is positive (negative). ArcGIS Pro's documentation
says the bins' Gi* is computed "using FDR correction" but not over which family; here, with
``fdr=True`` (the default), the Benjamini–Hochberg false discovery rate is applied over every bin of
the cube at once (design choice, D); ``fdr=False`` uses the plain p-values.

The **trend** of a series is the Mann–Kendall test: S = Σ_{i<j} sign(x_j − x_i), its variance with
the correction for ties, Var(S) = [n(n−1)(2n+5) − Σ_g t_g(t_g−1)(2t_g+5)] / 18 over groups of
``t_g`` equal values, z = (S − sign S)/√Var(S) (continuity correction; 0 when S = 0 or Var(S) = 0),
p two-sided from the normal — the "original test" of Hussain & Mahmud's pyMannKendall, against which
the tests check it. The count trend (is the cell's incident count rising?) is reported; the **z
series** trend (is the clustering intensifying?) decides the patterns below. A trend is significant
when its p is below ``trend_alpha`` (default = ``alpha``, D: ArcGIS Pro does not state a level for
the trend).

Pattern classes, restated from ArcGIS Pro's "How Emerging Hot Spot Analysis works"
(https://pro.arcgis.com/en/pro-app/latest/tool-reference/space-time-pattern-mining/learnmoreemerging.htm).
"Hot" below means a significant hot spot bin; "90 %" is ``share`` = 0.9 of all time steps (at least).

- **New hot spot**: hot in the final time step and never hot before.
- **Consecutive hot spot**: a single uninterrupted run of at least two hot bins in the final time
  steps; never hot before that run; fewer than 90 % of all bins hot.
- **Intensifying hot spot**: hot in 90 % of the time steps, the final one included; the intensity of
  clustering (the z series) increases overall, and the increase is significant.
- **Persistent hot spot**: hot in 90 % of the time steps, with no discernible trend in the intensity
  of clustering over time.
- **Diminishing hot spot**: hot in 90 % of the time steps, the final one included; the intensity of
  clustering decreases overall, and the decrease is significant.
- **Sporadic hot spot**: hot in the final time step, with a history of being hot on and off; fewer
  than 90 % of the time steps hot and none of them a significant cold spot.
- **Oscillating hot spot**: hot in the final time step, with a history of being a significant cold
  spot in a prior time step; fewer than 90 % of the time steps hot.
- **Historical hot spot**: not hot in the most recent time step, but hot in at least 90 % of them.
- **No pattern detected**: none of the above, hot or cold.

Cold spots mirror every definition (cold for hot, and the z series' trend reversed: an intensifying
cold spot's z falls). Where the text leaves a choice (D):

- The definitions are tested in the order listed and the first that holds names the pattern (so a
  new or consecutive hot spot with earlier cold bins stays new or consecutive, not oscillating).
- "Persistent" is read with the final step hot, as intensifying and diminishing say it, so that
  90 % hot without the final step is always historical (whatever the trend) and the two stay apart.
- "Sporadic" needs some hot bin before the final run (otherwise the cell is new or consecutive).
- A cell matching a hot and a cold pattern (e.g. historical hot and new cold) takes the pattern whose
  final step is significant; otherwise the hot one.
- Every cell of the grid is in the cube, those with no incident too (as kuzet's Gi* runs count
  them); ArcGIS Pro leaves locations without data out of its cube.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from pyproj import CRS
from scipy import sparse, stats

from ..errors import InvalidInput
from ..messages import N_, Message
from .cells import _cell_of, binary_pattern, point_xy
from .hotspots import fdr as false_discovery, local_g

PATTERNS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic", "oscillating",
            "historical")
PATTERN_NAMES = tuple(f"{p}_{side}" for side in ("hot", "cold") for p in PATTERNS) + ("none",)
ALPHA = 0.10  # a bin is significant at 90 % confidence, as ArcGIS Pro counts it
SHARE = 0.9  # "90 percent of the time-step intervals"
MIN_STEPS = 3  # Mann–Kendall needs three values to say anything
FREQUENCIES = {"day": "D", "week": "7D", "month": "MS"}


def step_starts(times, step: str, timezone: str | None = None) -> pd.Series:
    """The local start of the day, week (from Monday) or month holding each time; aware times are
    read in ``timezone``, naive ones taken as local already."""
    local = pd.to_datetime(pd.Series(times))
    if local.dt.tz is not None:
        local = local.dt.tz_convert(timezone or "UTC").dt.tz_localize(None)
    day = local.dt.normalize()
    if step == "day":
        return day
    if step == "week":
        return day - pd.to_timedelta(day.dt.day_of_week, unit="D")
    if step == "month":
        return day.dt.to_period("M").dt.start_time
    raise InvalidInput(Message("emerging.unknown-step", N_("unknown time step %(step)r; use day, week or month"),
                               step=step))


def space_time_cube(incidents: gpd.GeoDataFrame, cells: gpd.GeoDataFrame, *, step: str = "week",
                    timezone: str | None = None, time_column: str = "occurred_at") -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Incidents counted per time step and grid cell (``steps × cells``), every step from the first to
    the last kept, and the steps' local starts; ``cells`` from ``geo.analysis.cells.grid_counts``.
    A run counts the same in PostGIS (``geo.db.cube``); this is the frame-in version, for notebooks.

    Examples
    --------
    >>> cells = grid_counts(incidents, cell_size_m=250)  # doctest: +SKIP
    >>> counts, steps = space_time_cube(incidents, cells, step="week", timezone="Asia/Almaty")  # doctest: +SKIP
    """
    grid = cells.attrs["grid"]
    rows, cols = _cell_of(point_xy(incidents, CRS.from_user_input(grid["metric_crs"])) - np.asarray(grid["origin"]),
                          grid["cell_size_m"], grid["shape"])
    starts = step_starts(incidents[time_column], step, timezone).reset_index(drop=True)
    steps = pd.date_range(starts.min(), starts.max(), freq=FREQUENCIES[step])
    index = {(int(r), int(c)): i for i, (r, c) in enumerate(zip(cells["row"], cells["col"]))}
    at = np.array([index.get((int(r), int(c)), -1) for r, c in zip(rows, cols)], dtype=np.int64)
    when = steps.get_indexer(starts)
    inside = (at >= 0) & (when >= 0)
    cube = np.zeros((len(steps), len(cells)))
    np.add.at(cube, (when[inside], at[inside]), 1.0)
    return cube, steps


@dataclass(frozen=True)
class Trend:
    """Mann–Kendall per series: ``s``, ``var_s`` (ties corrected), ``z`` and two-sided ``p``; Kendall's ``tau``."""

    s: np.ndarray
    var_s: np.ndarray
    z: np.ndarray
    p: np.ndarray
    tau: np.ndarray


def mann_kendall(series) -> Trend:
    """The Mann–Kendall trend test of each row of ``series`` (steps along the last axis).

    Examples
    --------
    >>> t = mann_kendall([[1, 2, 3, 4, 5], [5, 4, 4, 2, 1]])
    >>> t.s.tolist(), [round(float(v), 4) for v in t.p]
    ([10.0, -9.0], [0.0275, 0.0433])
    """
    x = np.atleast_2d(np.asarray(series, dtype=float))
    m, n = x.shape
    s = np.zeros(m)
    for lag in range(1, n):
        s += np.sign(x[:, lag:] - x[:, :-lag]).sum(axis=1)
    ordered = np.sort(x, axis=1)
    starts = np.ones((m, n), dtype=bool)
    starts[:, 1:] = ordered[:, 1:] != ordered[:, :-1]
    group = np.cumsum(starts.ravel()) - 1
    t = np.bincount(group).astype(float)
    row_of_group = np.repeat(np.arange(m), starts.sum(axis=1))
    ties = np.bincount(row_of_group, weights=t * (t - 1) * (2 * t + 5), minlength=m)
    var_s = (n * (n - 1) * (2 * n + 5) - ties) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(var_s > 0, (s - np.sign(s)) / np.sqrt(var_s), 0.0)
    p = 2 * stats.norm.sf(np.abs(z))
    tau = s / (n * (n - 1) / 2) if n > 1 else np.zeros(m)
    return Trend(s, var_s, z, p, tau)


def space_time_weights(spatial, steps: int, k: int) -> sparse.csr_array:
    """Binary space–time neighbours of a cube laid out step by step (bin ``t * cells + i``): cell ``j``
    in step ``u`` neighbours cell ``i`` in step ``t`` when ``j`` is ``i`` or a spatial neighbour of it
    and ``t - k <= u <= t``; the diagonal (the bin itself) is left out, as Gi* adds it.

    >>> w = space_time_weights(sparse.csr_array(np.array([[0, 1], [1, 0]])), 3, 1)
    >>> np.diff(w.indptr).tolist()  # bins of step 0 see 1 other, later ones 3
    [1, 1, 3, 3, 3, 3]
    """
    adjacency = binary_pattern(spatial)
    cells = adjacency.shape[0]
    around = adjacency + sparse.identity(cells, format="csr")
    back = sparse.diags_array([np.ones(steps - lag) for lag in range(k + 1)], offsets=[-lag for lag in range(k + 1)],
                              shape=(steps, steps))
    w = sparse.csr_array(sparse.kron(back, around, format="csr"))
    w.setdiag(0)
    w.eliminate_zeros()
    return w


def space_time_gi(cube, spatial, *, k: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Gi* z and two-sided p of every bin of a ``steps × cells`` cube over :func:`space_time_weights`
    (``geo.analysis.hotspots.local_g``, checked against esda); one step is the slice's own Gi*.

    >>> z, p = space_time_gi(np.array([[1., 1, 1, 9]]), np.ones((4, 4)) - np.eye(4), k=0)
    >>> z.shape
    (1, 4)
    """
    y = np.asarray(cube, dtype=float)
    steps, cells = y.shape
    g = local_g(y.ravel(), space_time_weights(spatial, steps, k), star=True)
    return g.z.reshape(steps, cells), g.p.reshape(steps, cells)


@dataclass(frozen=True)
class Emerging:
    """An emerging hot spot analysis of a cube (``steps × cells``): per bin Gi* ``z``, ``p`` and the
    ``p_used`` that decided significance (after FDR or not), per cell the ``pattern``, the trend of
    its counts (``count_trend``) and of its z series (``z_trend``)."""

    z: np.ndarray
    p: np.ndarray
    p_used: np.ndarray
    pattern: np.ndarray
    count_trend: Trend
    z_trend: Trend
    alpha: float
    fdr: bool


def emerging_hot_spots(cube, spatial, *, k: int = 1, alpha: float = ALPHA, apply_fdr: bool = True,
                       share: float = SHARE, trend_alpha: float | None = None) -> Emerging:
    """Gi* of every bin with space–time neighbours, the Mann–Kendall trends and the pattern of each cell.

    Parameters
    ----------
    cube : ``steps × cells`` values (incident counts), steps in time order.
    spatial : binary spatial neighbours of the cells (sparse, empty diagonal), e.g. ``cell_neighbours``.
    k : how many previous steps are in a bin's neighbourhood (ArcGIS Pro's "neighborhood time step").
    alpha : the significance of a bin (0.10: 90 %); ``apply_fdr``: Benjamini–Hochberg over the cube's bins.
    share : the share of steps "90 percent" means; ``trend_alpha``: a trend's significance (default ``alpha``).

    Examples
    --------
    >>> found = emerging_hot_spots(counts_by_step, cell_neighbours(cells), k=1)  # doctest: +SKIP
    >>> pd.Series(found.pattern).value_counts()  # doctest: +SKIP
    """
    y = np.asarray(cube, dtype=float)
    if y.ndim != 2 or y.shape[0] < MIN_STEPS:
        raise InvalidInput(Message("emerging.too-few-steps",
                                   N_("an emerging hot spot analysis needs at least %(min)s time steps; the "
                                      "selection spans %(steps)s (choose a longer period or a shorter time step)"),
                                   min=MIN_STEPS, steps=y.shape[0] if y.ndim == 2 else 0))
    steps, cells = y.shape
    if y.sum() == 0:
        raise InvalidInput(Message("emerging.nothing-counted", N_("no incident falls in any cell of the cube")))
    z, p = space_time_gi(y, spatial, k=k)
    used = false_discovery(p.ravel()).reshape(steps, cells) if apply_fdr else p
    significant = np.nan_to_num(used, nan=1.0) < alpha
    hot, cold = (significant & (z > 0)).T, (significant & (z < 0)).T
    count_trend = mann_kendall(y.T)
    z_trend = mann_kendall(np.nan_to_num(z).T)
    level = alpha if trend_alpha is None else trend_alpha
    rising = (z_trend.p < level) & (z_trend.z > 0)
    falling = (z_trend.p < level) & (z_trend.z < 0)
    pattern = classify(hot, cold, rising, falling, share=share)
    return Emerging(z, p, used, pattern, count_trend, z_trend, alpha, apply_fdr)


def _side(on: np.ndarray, other: np.ndarray, up: np.ndarray, down: np.ndarray, share: float) -> np.ndarray:
    """The pattern (index into PATTERNS, -1 for none) of each row of one side (hot or cold): ``on``
    the side's significant bins, ``other`` the opposite side's, ``up``/``down`` a significant trend
    of the z series toward (away from) this side."""
    cells, steps = on.shape
    final = on[:, -1]
    count = on.sum(axis=1)
    many = count >= share * steps - 1e-9
    # length of the run of significant bins that ends at the final step
    off_at = np.where(~on, np.arange(steps), -1).max(axis=1)
    run = steps - 1 - off_at
    before_run = count > run
    other_before = other[:, :-1].any(axis=1)
    no_trend = ~up & ~down
    rules = [
        final & (count == 1),                                    # new
        final & (run >= 2) & ~before_run & ~many,                # consecutive
        many & final & up,                                       # intensifying
        many & final & no_trend,                                 # persistent
        many & final & down,                                     # diminishing
        final & ~many & before_run & ~other.any(axis=1),         # sporadic
        final & ~many & other_before,                            # oscillating
        ~final & many,                                           # historical
    ]
    out = np.full(cells, -1)
    for index in range(len(rules) - 1, -1, -1):  # the first rule that holds wins
        out[rules[index]] = index
    return out


def classify(hot, cold, rising, falling, *, share: float = SHARE) -> np.ndarray:
    """The pattern name of each cell (``PATTERN_NAMES``) from its significant hot and cold bins
    (``cells × steps`` booleans) and whether its z series rises or falls significantly.

    >>> hot = np.array([[0, 0, 0, 1], [0, 0, 1, 1]], dtype=bool)
    >>> classify(hot, np.zeros_like(hot), np.zeros(2, bool), np.zeros(2, bool)).tolist()
    ['new_hot', 'consecutive_hot']
    """
    hot, cold = np.asarray(hot, dtype=bool), np.asarray(cold, dtype=bool)
    rising, falling = np.asarray(rising, dtype=bool), np.asarray(falling, dtype=bool)
    h = _side(hot, cold, rising, falling, share)
    c = _side(cold, hot, falling, rising, share)
    historical = PATTERNS.index("historical")
    names = np.array([f"{p}_hot" for p in PATTERNS] + [f"{p}_cold" for p in PATTERNS] + ["none"], dtype=object)
    hot_now = (h >= 0) & (h != historical)
    cold_now = (c >= 0) & (c != historical)
    chosen = np.where(hot_now, h, np.where(cold_now, c + len(PATTERNS),
                                           np.where(h >= 0, h, np.where(c >= 0, c + len(PATTERNS), -1))))
    return names[chosen]
