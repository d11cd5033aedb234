"""Near repeats: the Knox test over bands of distance and of days, laid out as Ratcliffe's Near Repeat
Calculator lays out its table.

Every unordered pair of incidents is counted once, in the cell of its distance band (row) and its
time band (column); the expectation comes from Monte Carlo permutations of the dates over the
places (Johnson et al. 2007, the method the calculator implements).

Bands (``band_m`` = b metres, ``bands`` = N rows; ``band_days`` = t days, ``time_bands`` = M columns):

- distance: the pair's distance in the metric CRS, Euclidean or Manhattan, **rounded to whole
  metres** (half up: 100.5 m is 101 m). Row 0 "Same location" is 0 m after rounding; row k
  (1 <= k <= N) "(k-1)·b+1 to k·b m" holds ``(k-1)·b < d <= k·b``: an edge belongs to the band it
  closes (100 m is in "1 to 100 m", 101 m in "101 to 200 m"); row N+1 "more than N·b m".
- time: the difference of the two incidents' **calendar days** (in the selection's zone), a whole
  number ``Δ >= 0``. Column 0 "0 to t days" holds ``0 <= Δ <= t``; column j (1 <= j < M)
  "j·t+1 to (j+1)·t days" holds ``j·t < Δ <= (j+1)·t``; column M "more than M·t days".

The labels are the calculator's; its manual was not at hand to confirm the rounding, so the whole
metres, whole days and the edge rule above are design choices (D), chosen to make the labels true.

Counting never holds the n(n-1)/2 pairs: a KD-tree (``scipy.spatial.cKDTree.query_pairs``) gives the
pairs within N·b + 0.5 m (those that round into a close row), and the "more than" row is each
column's count over all pairs (from the sorted days, O(n log n) per column edge) less the close
rows. A permutation shuffles the days only: the close pairs stay, their day differences change, and
the column totals over all pairs do not change at all, so the last row is again a subtraction.

A cell's Knox ratio is observed / mean of the permuted counts (NaN where that mean is 0); its
p-value ``(1 + #{permutations with count >= observed}) / (1 + permutations)``, and the same with
``<=`` for under-representation (``p_low``). A cell is over-represented when p < alpha and the
ratio > 1, under-represented when p_low < alpha and the ratio < 1.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.spatial import cKDTree

METRICS = ("euclidean", "manhattan")
ALPHA = 0.05


@dataclass(frozen=True)
class KnoxTable:
    """A Knox table: ``observed``, ``expected`` (mean permuted), ``ratio``, ``p``, ``p_low`` as
    (N+2) × (M+1) arrays, rows distance bands, columns time bands (see the module)."""

    band_m: float
    bands: int
    band_days: int
    time_bands: int
    metric: str
    permutations: int
    seed: int | None
    incidents: int
    observed: np.ndarray
    expected: np.ndarray
    ratio: np.ndarray
    p: np.ndarray
    p_low: np.ndarray

    @property
    def pairs(self) -> int:
        return int(self.observed.sum())

    def over(self, alpha: float = ALPHA) -> np.ndarray:
        """Cells with more pairs than chance explains (p < alpha, ratio > 1)."""
        with np.errstate(invalid="ignore"):
            return (self.p < alpha) & (self.ratio > 1)

    def under(self, alpha: float = ALPHA) -> np.ndarray:
        """Cells with fewer pairs than chance explains (p_low < alpha, ratio < 1)."""
        with np.errstate(invalid="ignore"):
            return (self.p_low < alpha) & (self.ratio < 1)

    def distance_edges(self) -> list[tuple[int, int | None]]:
        """Each row's (from, to) in whole metres; (0, 0) for the same location, (N·b+1, None) beyond."""
        b = self.band_m
        rows = [(0, 0)] + [(int(round((k - 1) * b)) + 1, int(round(k * b))) for k in range(1, self.bands + 1)]
        return rows + [(int(round(self.bands * b)) + 1, None)]

    def day_edges(self) -> list[tuple[int, int | None]]:
        """Each column's (from, to) in days; (M·t+1, None) beyond."""
        t = self.band_days
        cols = [(0, t)] + [(j * t + 1, (j + 1) * t) for j in range(1, self.time_bands)]
        return cols + [(self.time_bands * t + 1, None)]

    def as_json(self) -> dict:
        def listed(a):
            return [[None if not np.isfinite(v) else float(v) for v in row] for row in a]
        return {"band_m": self.band_m, "bands": self.bands, "band_days": self.band_days,
                "time_bands": self.time_bands, "metric": self.metric, "permutations": self.permutations,
                "seed": self.seed, "incidents": self.incidents, "pairs": self.pairs,
                "observed": self.observed.astype(int).tolist(), "expected": listed(self.expected),
                "ratio": listed(self.ratio), "p": listed(self.p), "p_low": listed(self.p_low),
                "distance_edges": self.distance_edges(), "day_edges": self.day_edges()}

    @classmethod
    def from_json(cls, data: dict) -> "KnoxTable":
        def array(name):
            return np.array([[np.nan if v is None else v for v in row] for row in data[name]], dtype=float)
        return cls(float(data["band_m"]), int(data["bands"]), int(data["band_days"]), int(data["time_bands"]),
                   data["metric"], int(data["permutations"]), data.get("seed"), int(data["incidents"]),
                   np.array(data["observed"], dtype=np.int64), array("expected"), array("ratio"), array("p"),
                   array("p_low"))


def distance_rows(metres: np.ndarray, band_m: float, bands: int) -> np.ndarray:
    """The row of each distance (metres, before rounding): 0 same location, 1..N, N+1 beyond.

    >>> distance_rows(np.array([0.2, 0.5, 100.0, 100.4, 100.5, 300.0, 301.0]), 100, 3).tolist()
    [0, 1, 1, 1, 2, 3, 4]
    """
    whole = np.floor(np.asarray(metres, dtype=float) + 0.5)
    rows = np.ceil(whole / band_m).astype(np.int64)
    return np.minimum(rows, bands + 1)


def day_columns(days: np.ndarray, band_days: int, time_bands: int) -> np.ndarray:
    """The column of each whole day difference: 0 for 0..t, j for j·t+1..(j+1)·t, M beyond.

    >>> day_columns(np.array([0, 7, 8, 14, 15, 21, 22]), 7, 3).tolist()
    [0, 0, 1, 1, 2, 2, 3]
    """
    diff = np.abs(np.asarray(days, dtype=np.int64))
    cols = (np.maximum(diff, 1) - 1) // band_days
    return np.minimum(cols, time_bands)


def close_pairs(xy: np.ndarray, reach_m: float, metric: str) -> tuple[np.ndarray, np.ndarray]:
    """Pairs (i < j) whose distance rounds to at most ``reach_m`` whole metres, and their distances."""
    tree = cKDTree(xy)
    pairs = tree.query_pairs(reach_m + 0.5, p=1 if metric == "manhattan" else 2, output_type="ndarray")
    delta = xy[pairs[:, 0]] - xy[pairs[:, 1]]
    metres = np.abs(delta).sum(axis=1) if metric == "manhattan" else np.hypot(delta[:, 0], delta[:, 1])
    keep = np.floor(metres + 0.5) <= reach_m
    return pairs[keep], metres[keep]


def column_totals(days: np.ndarray, band_days: int, time_bands: int) -> np.ndarray:
    """Pairs of all n(n-1)/2 per time column, from the sorted days (no pair is listed)."""
    ordered = np.sort(np.asarray(days, dtype=np.int64))
    n = len(ordered)
    position = np.arange(n)
    within = []  # pairs with a day difference <= each column's upper edge
    for j in range(time_bands):
        edge = (j + 1) * band_days
        within.append(int((np.searchsorted(ordered, ordered + edge, side="right") - position - 1).sum()))
    within.append(n * (n - 1) // 2)
    return np.diff(np.array([0] + within, dtype=np.int64))


def knox(xy: np.ndarray, days: np.ndarray, *, band_m: int = 100, bands: int = 5, band_days: int = 7,
         time_bands: int = 5, metric: str = "euclidean", permutations: int = 99,
         seed: int | None = None) -> KnoxTable:
    """The Knox table of incidents at ``xy`` (metres, a metric CRS) on whole ``days``.

    Parameters
    ----------
    xy : (n, 2) coordinates in metres.
    days : (n,) whole days (e.g. days since some date, in the selection's zone).
    band_m, bands : the width of a distance band and how many there are before "more than".
    band_days, time_bands : the width of a time band in days and how many before "more than".
    metric : "euclidean" or "manhattan".
    permutations, seed : Monte Carlo permutations of the days, from ``numpy.random.default_rng(seed)``.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> table = knox(rng.uniform(0, 2000, (300, 2)), rng.integers(0, 365, 300), seed=7)
    >>> table.observed.shape, table.pairs == 300 * 299 // 2
    ((7, 6), True)
    """
    xy = np.asarray(xy, dtype=float).reshape(-1, 2)
    days = np.asarray(days, dtype=np.int64)
    rows, cols = bands + 2, time_bands + 1
    pairs, metres = close_pairs(xy, bands * band_m, metric)
    row = distance_rows(metres, band_m, bands)
    totals = column_totals(days, band_days, time_bands)

    def count(on_days: np.ndarray) -> np.ndarray:
        col = day_columns(on_days[pairs[:, 0]] - on_days[pairs[:, 1]], band_days, time_bands)
        table = np.bincount(row * cols + col, minlength=rows * cols).reshape(rows, cols)
        table[-1] = totals - table[:-1].sum(axis=0)
        return table

    observed = count(days)
    rng = np.random.default_rng(seed)
    at_least = np.zeros((rows, cols), dtype=np.int64)
    at_most = np.zeros((rows, cols), dtype=np.int64)
    total = np.zeros((rows, cols), dtype=np.float64)
    for _ in range(permutations):
        permuted = count(rng.permutation(days))
        at_least += permuted >= observed
        at_most += permuted <= observed
        total += permuted
    with np.errstate(invalid="ignore", divide="ignore"):
        expected = total / permutations if permutations else np.full((rows, cols), np.nan)
        ratio = np.where(expected > 0, observed / expected, np.nan)
    p = (1 + at_least) / (1 + permutations)
    p_low = (1 + at_most) / (1 + permutations)
    return KnoxTable(float(band_m), bands, band_days, time_bands, metric, permutations, seed, len(days),
                     observed, expected, ratio, p, p_low)


def reach(table: KnoxTable, alpha: float = ALPHA) -> list[tuple[int, int]]:
    """For each close row (same location to N), how many leading time columns are over-represented:
    (row, columns), rows with none left out; what the plain words are made of."""
    over = table.over(alpha)[:-1, :-1]
    found = []
    for r, cells in enumerate(over):
        lead = int(np.argmin(cells)) if not cells.all() else len(cells)
        if lead:
            found.append((r, lead))
    return found


def groups(table: KnoxTable, alpha: float = ALPHA) -> list[tuple[int, int, int]]:
    """Consecutive rows with the same reach merged: (first row, last row, columns)."""
    merged: list[list[int]] = []
    for r, lead in reach(table, alpha):
        if merged and merged[-1][1] == r - 1 and merged[-1][2] == lead:
            merged[-1][1] = r
        else:
            merged.append([r, r, lead])
    return [tuple(g) for g in merged]
