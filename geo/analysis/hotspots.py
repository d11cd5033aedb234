"""Hot spots: Getis-Ord Gi/Gi*, Local Moran and global Moran's I, with Benjamini-Hochberg FDR.

The statistics are computed over scipy.sparse weights with numpy (no per-unit Python loop), and give
the same numbers as PySAL's esda (``G_Local.Zs``, ``Moran_Local.Is/EI/VI``, ``Moran.I/z_norm/z_rand``;
tests/unit/test_hotspots.py checks it). Weights are binary or row-standardised; Gi* gives each unit
itself as a neighbour of weight 1 before any standardisation, as esda does.

Islands (units without neighbours) keep their value in the mean and variance of the variable, as in
esda, but get no local statistic: their z and p are NaN, they are flagged, left out of the FDR, and
counted in ``attrs``. p-values here are two-sided (esda's ``p_norm`` and ``p_sim`` are one-sided).
``global_moran_summary`` and ``quadrants`` give a stored run's global Moran's I and quadrant labels.
"""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
from scipy import sparse, stats

from ..errors import InvalidInput
from ..messages import N_, Message
from .cells import binary_pattern, cell_neighbours

CONFIDENCE = ((3, 0.01), (2, 0.05), (1, 0.10))  # class, largest p: 99, 95 and 90 % confidence
QUADRANTS = np.array(["HH", "LH", "LL", "HL"])  # esda's q = 1, 2, 3, 4
_CHUNK = 4_000_000  # values gathered at once by the permutation engine (~32 MB)


@dataclass(frozen=True)
class LocalStatistic:
    """A local statistic per unit: value, analytic z and two-sided p, and permutation results."""

    value: np.ndarray
    z: np.ndarray
    p: np.ndarray
    island: np.ndarray
    z_sim: np.ndarray | None = None
    p_sim: np.ndarray | None = None
    quadrant: np.ndarray | None = None


@dataclass(frozen=True)
class GlobalMoran:
    """Global Moran's I with its moments under normality and under randomisation (esda's Moran)."""

    i: float
    expected: float
    z_norm: float
    p_norm: float
    z_rand: float
    p_rand: float
    n: int
    islands: int
    p_sim: float | None = None


def local_g(y, neighbours, *, star: bool = True, row_standardise: bool = False,
            permutations: int = 0, seed: int | None = None) -> LocalStatistic:
    """Getis-Ord Gi* (``star=True``) or Gi of ``y`` over a binary neighbour matrix.

    Examples
    --------
    >>> from geo.analysis.cells import distance_band
    >>> xy = np.array([(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)])
    >>> g = local_g([2, 3, 3.2, 5, 8, 7], distance_band(xy, 15), star=True)
    >>> round(float(g.z[0]), 6)
    -1.397276
    """
    y = _values(y)
    adjacency = binary_pattern(neighbours)
    k = np.diff(adjacency.indptr).astype(float)
    island = k == 0
    n, self_weight, remove_self = len(y), float(star), 1.0 - float(star)
    scale = 1.0 / np.maximum(k + self_weight, 1.0) if row_standardise else np.ones(n)
    total = y.sum() - y * remove_self
    value = scale * (adjacency @ y + self_weight * y) / total
    big_n = n - remove_self
    mean = total / big_n
    variance = ((y**2).sum() - y**2 * remove_self) / big_n - mean**2
    cardinality = scale * (k + self_weight)
    expected = cardinality / big_n
    var_g = cardinality * (big_n - cardinality) / (big_n - 1) / big_n**2 * variance / mean**2
    with np.errstate(divide="ignore", invalid="ignore"):
        z = (value - expected) / np.sqrt(var_g)
    sims = None
    if permutations:
        sims = _permute(y, adjacency, k, scale, self_weight * y, scale / total, value,
                        permutations, seed)
    return _finish(value, z, island, sims)


def local_moran_i(y, neighbours, *, row_standardise: bool = True, permutations: int = 0,
                  seed: int | None = None) -> LocalStatistic:
    """Local Moran's I of ``y`` (esda's ``Is``), z from its moments under total randomisation.

    ``quadrant`` is HH, LH, LL or HL: the unit's value and its neighbours' mean against the overall
    mean (esda's ``q`` 1 to 4); "" on islands.

    Examples
    --------
    >>> from geo.analysis.cells import grid_neighbours
    >>> rows, cols = np.divmod(np.arange(9), 3)
    >>> lisa = local_moran_i([9, 8, 1, 7, 6, 1, 1, 1, 0], grid_neighbours(rows, cols))
    >>> str(lisa.quadrant[0])
    'HH'
    """
    y = _values(y)
    adjacency = binary_pattern(neighbours)
    k = np.diff(adjacency.indptr).astype(float)
    island = k == 0
    n = len(y)
    scale = 1.0 / np.maximum(k, 1.0) if row_standardise else np.ones(n)
    z = (y - y.mean()) / y.std()
    den = (z * z).sum()
    lag = scale * (adjacency @ z)
    # esda's Is: (n - 1)/n times Sokal's z_i·lag_i/m2, whose moments follow; kept so both agree
    value = (n - 1) * z * lag / den
    # Sokal, Oden & Thomson (1998) eqs. A3-A4, as esda's Moran_Local.EI and .VI
    m2 = den / n
    b2 = (z**4).sum() / n / m2**2
    wi, wi2 = scale * k, scale**2 * k
    expected = -wi / (n - 1)
    var_i = (wi2 * (n - b2) / (n - 1) + (wi**2 - wi2) * (2 * b2 - n) / ((n - 1) * (n - 2))
             - (wi / (n - 1)) ** 2)
    with np.errstate(divide="ignore", invalid="ignore"):
        z_i = (value - expected) / np.sqrt(var_i)
    sims = None
    if permutations:
        sims = _permute(z, adjacency, k, scale, np.zeros(n), (n - 1) * z / den, value,
                        permutations, seed)
    labels = QUADRANTS[np.where(z > 0, np.where(lag > 0, 0, 3), np.where(lag > 0, 1, 2))]
    return _finish(value, z_i, island, sims, quadrant=np.where(island, "", labels))


def global_moran_i(y, neighbours, *, row_standardise: bool = True,
                   permutations: int = 0, seed: int | None = None) -> GlobalMoran:
    """Global Moran's I of ``y`` with esda's moments; islands add no pairs but stay in ``n``.

    Examples
    --------
    >>> from geo.analysis.cells import grid_neighbours
    >>> rows, cols = np.divmod(np.arange(16), 4)
    >>> round(global_moran_i(cols, grid_neighbours(rows, cols, queen=False)).i, 4)
    0.75
    """
    y = _values(y)
    adjacency = binary_pattern(neighbours)
    k = np.diff(adjacency.indptr).astype(float)
    n = len(y)
    w = sparse.diags_array(1.0 / np.maximum(k, 1.0)) @ adjacency if row_standardise else adjacency
    z = y - y.mean()
    s0 = w.sum()
    s1 = 0.5 * ((w + w.T) ** 2).sum()
    s2 = ((np.asarray(w.sum(axis=0)) + np.asarray(w.sum(axis=1))) ** 2).sum()
    i = n / s0 * (z @ (w @ z)) / (z @ z)
    expected = -1.0 / (n - 1)
    v_norm = (n * n * s1 - n * s2 + 3 * s0**2) / ((n - 1) * (n + 1) * s0**2) - expected**2
    kurt = ((z**4).sum() / n) / ((z**2).sum() / n) ** 2
    a = n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0**2)
    b = kurt * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0**2)
    v_rand = (a - b) / ((n - 1) * (n - 2) * (n - 3) * s0**2) - expected**2
    z_norm, z_rand = (i - expected) / np.sqrt(v_norm), (i - expected) / np.sqrt(v_rand)
    p_sim = None
    if permutations:
        rng, sims = np.random.default_rng(seed), []
        for lo in range(0, permutations, max(1, _CHUNK // n)):
            shuffled = rng.permuted(np.tile(z, (min(_CHUNK // n or 1, permutations - lo), 1)), axis=1)
            sims.append(np.einsum("pn,pn->p", shuffled, (w @ shuffled.T).T))
        p_sim = float(_pseudo_p(n / s0 * np.concatenate(sims)[None, :] / (z @ z), np.array([i]))[0])
    return GlobalMoran(float(i), expected, float(z_norm), float(2 * stats.norm.sf(abs(z_norm))),
                       float(z_rand), float(2 * stats.norm.sf(abs(z_rand))), n, int((k == 0).sum()),
                       p_sim)


def gi_star(cells: gpd.GeoDataFrame, *, column: str = "count", neighbours=None,
            method: str = "queen", distance_m: float | None = None, star: bool = True,
            row_standardise: bool = False, permutations: int = 0, seed: int | None = None,
            apply_fdr: bool = True) -> gpd.GeoDataFrame:
    """Getis-Ord Gi* hot and cold spots of ``cells[column]``, classed after Benjamini-Hochberg FDR.

    Neighbours are ``neighbours`` (a sparse matrix) or else built by :func:`cell_neighbours` with
    ``method`` and ``distance_m``. With ``permutations`` the classes use the permutation p-value.

    Returns
    -------
    A copy of ``cells`` with ``gi``, ``gi_z``, ``gi_p`` (two-sided), ``gi_p_fdr``, ``gi_class``
    (±3/±2/±1 for 99/95/90 % confidence, + hot, - cold), ``island`` and, with permutations,
    ``gi_z_sim`` and ``gi_p_sim``; ``attrs["gi_star"]`` says n, islands and the options.

    Examples
    --------
    >>> hot = gi_star(grid_counts(incidents, cell_size_m=250))  # doctest: +SKIP
    >>> hot.nlargest(5, "gi_z")[["count", "gi_z", "gi_p_fdr", "gi_class"]]  # doctest: +SKIP
    """
    w = _neighbours(cells, neighbours, method, distance_m)
    g = local_g(cells[column], w, star=star, row_standardise=row_standardise,
                permutations=permutations, seed=seed)
    out, p = _attach(cells, "gi", "gi", g, apply_fdr)
    out["gi_class"] = confidence_class(g.z, p)
    out.attrs["gi_star"] = _summary(g, method, star=star, row_standardise=row_standardise,
                                    permutations=permutations, seed=seed, fdr=apply_fdr)
    return out


def local_moran(cells: gpd.GeoDataFrame, *, column: str = "count", neighbours=None,
                method: str = "queen", distance_m: float | None = None,
                row_standardise: bool = True, permutations: int = 0, seed: int | None = None,
                alpha: float = 0.05, apply_fdr: bool = True) -> gpd.GeoDataFrame:
    """Local Moran clusters (HH, LL) and outliers (HL, LH) of ``cells[column]``.

    Returns
    -------
    A copy of ``cells`` with ``lisa_i``, ``lisa_z``, ``lisa_p`` (two-sided), ``lisa_p_fdr``,
    ``quadrant``, ``lisa_cluster`` (the quadrant where p after FDR is below ``alpha``, else "ns";
    "island" for islands), ``island`` and, with permutations, ``lisa_z_sim`` and ``lisa_p_sim``.

    Examples
    --------
    >>> lisa = local_moran(cells, alpha=0.05)  # doctest: +SKIP
    >>> lisa["lisa_cluster"].value_counts()  # doctest: +SKIP
    """
    w = _neighbours(cells, neighbours, method, distance_m)
    lisa = local_moran_i(cells[column], w, row_standardise=row_standardise,
                         permutations=permutations, seed=seed)
    out, p = _attach(cells, "lisa", "lisa_i", lisa, apply_fdr)
    out["quadrant"] = lisa.quadrant
    significant = np.nan_to_num(p, nan=1.0) < alpha
    out["lisa_cluster"] = np.where(lisa.island, "island", np.where(significant, lisa.quadrant, "ns"))
    out.attrs["local_moran"] = _summary(lisa, method, row_standardise=row_standardise,
                                        permutations=permutations, seed=seed, fdr=apply_fdr,
                                        alpha=alpha)
    return out


def global_moran(cells: gpd.GeoDataFrame, *, column: str = "count", neighbours=None,
                 method: str = "queen", distance_m: float | None = None,
                 row_standardise: bool = True, permutations: int = 0,
                 seed: int | None = None) -> GlobalMoran:
    """Global Moran's I of ``cells[column]`` (see :func:`global_moran_i`).

    Examples
    --------
    >>> global_moran(blocks, column="Drugs", method="queen").i  # doctest: +SKIP
    0.5173948880566064
    """
    w = _neighbours(cells, neighbours, method, distance_m)
    return global_moran_i(cells[column], w, row_standardise=row_standardise,
                          permutations=permutations, seed=seed)


def global_moran_summary(y, neighbours) -> dict | None:
    """Global Moran's I of ``y``, row-standardised, as a run's summary holds it; None when no unit
    has a neighbour (there is no pair to correlate).

    Examples
    --------
    >>> from geo.analysis.cells import grid_neighbours
    >>> rows, cols = np.divmod(np.arange(16), 4)
    >>> summary = global_moran_summary(cols, grid_neighbours(rows, cols, queen=False))
    >>> round(summary["i"], 4), summary["weights"], summary["n"]
    (0.75, 'row', 16)
    """
    if neighbours.nnz == 0:
        return None
    moran = global_moran_i(y, neighbours, row_standardise=True)
    return {"i": moran.i, "expected": moran.expected, "z": moran.z_rand, "p": moran.p_rand,
            "z_norm": moran.z_norm, "p_norm": moran.p_norm, "weights": "row", "n": moran.n,
            "islands": moran.islands}

def fdr(p: np.ndarray) -> np.ndarray:
    """Benjamini-Hochberg adjusted p-values; NaN (islands) stay NaN and are not counted."""
    p = np.asarray(p, dtype=float)
    out = np.full(p.shape, np.nan)
    ok = ~np.isnan(p)
    if ok.any():
        out[ok] = stats.false_discovery_control(p[ok], method="bh")
    return out


def confidence_class(z: np.ndarray, p: np.ndarray) -> np.ndarray:
    """±3, ±2, ±1 for 99, 95, 90 % confidence (sign of z: hot or cold), 0 otherwise."""
    level = np.zeros(len(p), dtype=np.int8)
    p = np.nan_to_num(np.asarray(p, dtype=float), nan=1.0)
    for cls, alpha in reversed(CONFIDENCE):
        level[p < alpha] = cls
    return (np.sign(np.nan_to_num(z)) * level).astype(np.int8)


def quadrants(values) -> pd.Series:
    """Quadrant labels (HH, LH, LL, HL) as pandas' string dtype, missing ones (None) NaN, so that a
    fresh run and one read back from the database hold the same column.

    Examples
    --------
    >>> quadrants(["HH", None]).isna().tolist()
    [False, True]
    """
    return pd.Series(values, dtype="str").reset_index(drop=True)

def _neighbours(cells, neighbours, method, distance_m):
    if neighbours is None:
        return cell_neighbours(cells, method=method, distance_m=distance_m)
    if neighbours.shape != (len(cells), len(cells)):
        raise InvalidInput(Message("hotspots.neighbour-matrix-does",
                                   N_("the neighbour matrix does not match the cells")))
    return neighbours


def _attach(cells: gpd.GeoDataFrame, prefix: str, value: str, stat: LocalStatistic,
            apply_fdr: bool):
    """A copy of ``cells`` with the statistic's columns, and the p-values that decide the classes."""
    out = cells.copy()
    out[value] = stat.value
    out[f"{prefix}_z"], out[f"{prefix}_p"] = stat.z, stat.p
    if stat.p_sim is not None:
        out[f"{prefix}_z_sim"], out[f"{prefix}_p_sim"] = stat.z_sim, stat.p_sim
    p = stat.p if stat.p_sim is None else stat.p_sim
    out[f"{prefix}_p_fdr"] = fdr(p)
    out["island"] = stat.island
    return out, (out[f"{prefix}_p_fdr"].to_numpy() if apply_fdr else p)


def _summary(stat: LocalStatistic, method: str, **options) -> dict:
    return {"n": int(len(stat.z)), "islands": int(stat.island.sum()), "method": method,
            "p_value": "permutation" if options.get("permutations") else "analytic",
            "fdr_method": "Benjamini-Hochberg", **options}


def _values(y) -> np.ndarray:
    y = np.asarray(y, dtype=float).ravel()
    if len(y) < 4:
        raise InvalidInput(Message("hotspots.hot-spots-need", N_("hot spots need at least four cells")))
    if np.isnan(y).any():
        raise InvalidInput(Message("hotspots.counted-column-has", N_("the counted column has missing values")))
    if y.std() == 0:
        raise InvalidInput(Message("hotspots.every-cell-has",
                                   N_("every cell has the same count: there is nothing to find")))
    return y


def _finish(value, z, island, sims, quadrant=None) -> LocalStatistic:
    value, z = value.copy(), z.copy()
    value[island] = np.nan
    z[island] = np.nan
    p = 2 * stats.norm.sf(np.abs(z))
    z_sim = p_sim = None
    if sims is not None:
        z_sim, p_sim = sims
        z_sim[island], p_sim[island] = np.nan, np.nan
    return LocalStatistic(value, z, p, island, z_sim, p_sim, quadrant)


def _permute(values, adjacency, k, scale, own, factor, observed, permutations, seed):
    """Conditional permutations: unit i's k_i neighbours redrawn from the other n-1 units.

    A random statistic is ``factor_i * (scale_i * sum of the drawn values + own_i)``. As in esda's
    ``crand``, one draw of row numbers serves every unit, shifted past the unit itself.
    """
    if permutations < 1:
        raise InvalidInput(Message("hotspots.number-permutations-positive",
                                   N_("the number of permutations must be positive")))
    rng = np.random.default_rng(seed)
    n, kmax = len(values), max(int(k.max()), 1)
    draws = _draws_without_replacement(rng, n - 1, kmax, permutations)
    taken = np.arange(kmax)[None, None, :] < k[:, None, None]
    mean, sq, p_sim = (np.empty(n) for _ in range(3))
    step = max(1, _CHUNK // (permutations * kmax))
    for lo in range(0, n, step):
        units = np.arange(lo, min(lo + step, n))
        ids = draws[None] + (draws[None] >= units[:, None, None])
        drawn = (values[ids] * taken[units]).sum(axis=2)
        sims = factor[units, None] * (scale[units, None] * drawn + own[units, None])
        mean[units], sq[units] = sims.mean(axis=1), sims.std(axis=1)
        p_sim[units] = _pseudo_p(sims, observed[units])
    with np.errstate(divide="ignore", invalid="ignore"):
        return (observed - mean) / sq, p_sim


def _pseudo_p(sims: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """Two-sided pseudo p from the rarer tail, ties counted in both tails, at most 1.

    esda counts ties as larger only, which makes a cell whose every permutation ties with it
    (an empty cell among empty ones) look significant; here such a cell gets p = 1.
    """
    above = (sims >= observed[:, None]).sum(axis=1)
    below = (sims <= observed[:, None]).sum(axis=1)
    return np.minimum(1.0, 2 * (np.minimum(above, below) + 1) / (sims.shape[1] + 1))


def _draws_without_replacement(rng: np.random.Generator, population: int, size: int,
                               permutations: int) -> np.ndarray:
    """``permutations`` rows of ``size`` distinct integers below ``population``."""
    size = min(size, population)
    if population * permutations <= _CHUNK:
        return np.argsort(rng.random((permutations, population)), axis=1)[:, :size]
    draws = rng.integers(0, population, size=(permutations, size))
    while True:  # redraw the rows holding a repeat; rare when size << population
        ordered = np.sort(draws, axis=1)
        bad = (ordered[:, 1:] == ordered[:, :-1]).any(axis=1)
        if not bad.any():
            return draws
        draws[bad] = rng.integers(0, population, size=(int(bad.sum()), size))
