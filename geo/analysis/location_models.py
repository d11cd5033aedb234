"""Classic location models on a distance matrix (MCLP, LSCP, p-median), solved exactly by HiGHS.

Rows of ``distance_m`` are demand points (cells, tracts), columns candidate sites, values metres.
MCLP and LSCP are spopt's formulations (``spopt.locate``); p-median is the radius formulation,
equally strong and far smaller. Models are built as sparse arrays and passed to HiGHS in one call.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import highspy
import numpy as np
from scipy import sparse

from geo.errors import InvalidInput

_STATUS = {
    highspy.HighsModelStatus.kOptimal: "optimal",
    highspy.HighsModelStatus.kModelEmpty: "optimal",
    highspy.HighsModelStatus.kInfeasible: "infeasible",
    highspy.HighsModelStatus.kTimeLimit: "time_limit",
    highspy.HighsModelStatus.kInterrupt: "time_limit",
}


@dataclass(frozen=True)
class SolveReport:
    """How one HiGHS solve ended: ``status`` is ``optimal``, ``time_limit`` (best plan found,
    not proven; see ``mip_gap`` and the proven ``bound``), ``infeasible``, ``no_solution``."""

    status: str
    objective: float
    mip_gap: float
    runtime_s: float
    bound: float = np.nan


class MipSolver:
    """A HiGHS model kept between solves (lexicographic stages), all within one time limit."""

    def __init__(self, *, cost: np.ndarray, lower: np.ndarray, upper: np.ndarray,
                 integer: np.ndarray, rows: sparse.sparray, row_lower: np.ndarray,
                 row_upper: np.ndarray, time_limit_s: float, mip_rel_gap: float):
        self._deadline = time.perf_counter() + time_limit_s
        self._highs = h = highspy.Highs()
        h.setOptionValue("output_flag", False)
        h.setOptionValue("mip_rel_gap", float(mip_rel_gap))
        a = sparse.csc_array(rows)
        n_col, n_row = len(cost), a.shape[0]
        h.passModel(n_col, n_row, a.nnz, int(highspy.MatrixFormat.kColwise),
                    int(highspy.ObjSense.kMinimize), 0.0,
                    np.asarray(cost, float), np.asarray(lower, float), np.asarray(upper, float),
                    np.asarray(row_lower, float), np.asarray(row_upper, float),
                    a.indptr.astype(np.int32), a.indices.astype(np.int32), a.data.astype(float),
                    np.asarray(integer, bool).astype(np.int32))
        self.n_col = n_col

    def add_row(self, columns: np.ndarray, values: np.ndarray, lower: float, upper: float) -> None:
        """Add the constraint ``lower <= values @ x[columns] <= upper``."""
        idx = np.asarray(columns, np.int32)
        self._highs.addRows(1, np.array([lower], float), np.array([upper], float), len(idx),
                            np.array([0], np.int32), idx, np.asarray(values, float))

    def set_bounds(self, columns: np.ndarray, lower: float, upper: float) -> None:
        """Bound the given columns to ``[lower, upper]``."""
        idx = np.asarray(columns, np.int32)
        self._highs.changeColsBounds(len(idx), idx, np.full(len(idx), lower), np.full(len(idx), upper))

    def solve(self, cost: np.ndarray, *, maximize: bool = False, start: np.ndarray | None = None,
              time_limit_s: float = np.inf) -> tuple[np.ndarray | None, SolveReport]:
        """Optimise ``cost @ x`` (from ``start`` if given); the values, or None without a solution."""
        h, began = self._highs, time.perf_counter()
        h.changeColsCost(self.n_col, np.arange(self.n_col, dtype=np.int32), np.asarray(cost, float))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize)
        h.setOptionValue("time_limit", max(min(self._deadline - began, time_limit_s), 1e-3))
        if start is not None:
            h.setSolution(self.n_col, np.arange(self.n_col, dtype=np.int32), np.asarray(start, float))
        h.run()
        info, status = h.getInfo(), _STATUS.get(h.getModelStatus(), "error")
        has_solution = info.primal_solution_status == 2  # kSolutionStatusFeasible
        if status == "time_limit" and not has_solution:
            status = "no_solution"
        values = np.asarray(h.getSolution().col_value) if has_solution or self.n_col == 0 else None
        gap = info.mip_gap if np.isfinite(info.mip_gap) else (0.0 if status == "optimal" else np.inf)
        return values, SolveReport(status, float(info.objective_function_value), float(gap),
                                   time.perf_counter() - began, float(info.mip_dual_bound))


@dataclass(frozen=True, eq=False)
class SitingResult:
    """Chosen sites and what they serve; ``allocation[i]`` is demand row i's site column or -1.

    ``covered_percent`` counts demand rows (spopt's ``perc_cov``, though spopt's MCLP counts a
    zero-weight row in reach as uncovered); ``covered_demand`` sums their weights. ``uncoverable``
    lists rows no site can reach within the radius, and ``explanation`` says so in a sentence.
    """

    model: str
    sites: tuple[int, ...]
    allocation: np.ndarray
    covered_demand: float
    covered_percent: float
    n_uncovered: int
    mean_distance_m: float
    objective: float
    uncoverable: tuple[int, ...]
    explanation: str
    status: str
    mip_gap: float
    runtime_s: float


def _inputs(distance_m, weights=None, p=None):
    d = np.asarray(distance_m, dtype=float)
    if d.ndim != 2 or 0 in d.shape or np.isnan(d).any() or (d < 0).any():
        raise InvalidInput("distance_m must be a non-empty demand x site matrix of metres >= 0")
    w = np.ones(d.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (d.shape[0],) or not np.isfinite(w).all() or (w < 0).any():
        raise InvalidInput(f"weights must be {d.shape[0]} finite values >= 0, one per demand row")
    if p is not None and not 1 <= p <= d.shape[1]:
        raise InvalidInput(f"p must be between 1 and the {d.shape[1]} candidate sites, not {p}")
    return d, w


def _result(model, d, w, sites, radius_m, report, started, uncoverable=()):
    chosen = np.flatnonzero(sites)
    reach = (d[:, chosen] <= radius_m) & np.isfinite(d[:, chosen])
    covered = reach.any(axis=1)
    near = np.argmin(np.where(reach, d[:, chosen], np.inf), axis=1) if len(chosen) else 0
    allocation = np.where(covered, chosen[near] if len(chosen) else -1, -1)
    # sequential sum, in row order, as PuLP evaluates spopt's objective
    total = sum(float(w[i] * d[i, allocation[i]]) for i in np.flatnonzero(covered))
    objective = {"mclp": float(w[covered].sum()), "lscp": float(len(chosen)), "p-median": total}
    explanation = _uncoverable_text(d, uncoverable, radius_m) or (
        "No choice of sites meets the model (p is too small to reach every demand point)."
        if report.status == "infeasible" else "")
    return SitingResult(
        model=model, sites=tuple(int(j) for j in chosen), allocation=allocation,
        covered_demand=float(w[covered].sum()), covered_percent=100.0 * covered.mean(),
        n_uncovered=int((~covered).sum()),
        mean_distance_m=float(total / w[covered].sum()) if w[covered].sum() else 0.0,
        objective=objective[model], uncoverable=tuple(int(i) for i in uncoverable),
        explanation=explanation, status=report.status,
        mip_gap=report.mip_gap, runtime_s=time.perf_counter() - started)


def _uncoverable_text(d, rows, radius_m) -> str:
    if not len(rows):
        return ""
    shown = ", ".join(f"row {i} (nearest site {d[i].min():.0f} m)" for i in rows[:10])
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    return (f"{len(rows)} demand point(s) lie farther than {radius_m:.0f} m from every candidate "
            f"site and cannot be covered: {shown}{more}.")


def _ones(rows, cols, n_rows, n_cols):
    return sparse.coo_array((np.ones(len(rows)), (rows, cols)), shape=(n_rows, n_cols))


def mclp(distance_m: np.ndarray, weights: np.ndarray, *, radius_m: float, p: int,
         time_limit_s: float = 60.0, mip_rel_gap: float = 0.0) -> SitingResult:
    """Maximal covering: the ``p`` sites covering the most demand weight within ``radius_m``.

    Maximise ``sum_i w_i y_i`` subject to ``y_i <= sum_{j: d_ij <= R} x_j``, ``sum_j x_j = p``,
    ``x`` binary, ``0 <= y <= 1`` (integral at any optimum with ``x`` integral).

    Parameters
    ----------
    distance_m : (n_demand, n_sites) array of metres.
    weights : (n_demand,) demand weights (incidents, population).
    radius_m : service radius; a site covers a demand point at ``distance <= radius_m``.
    p : number of sites to open.
    time_limit_s, mip_rel_gap : HiGHS limits; ``mip_rel_gap=0`` proves optimality.

    Examples
    --------
    >>> r = mclp([[100, 900], [800, 200], [5000, 300]], [1, 3, 3], radius_m=500, p=1)
    >>> r.sites, r.n_uncovered, r.objective
    ((1,), 1, 6.0)
    """
    started = time.perf_counter()
    d, w = _inputs(distance_m, weights, p)
    n, m = d.shape
    ii, jj = np.nonzero(d <= radius_m)
    coverable = (d <= radius_m).any(axis=1)
    rows = sparse.vstack([
        sparse.hstack([-_ones(ii, jj, n, m), sparse.eye_array(n)]),
        sparse.hstack([sparse.coo_array(np.ones((1, m))), sparse.coo_array((1, n))]),
    ])
    solver = MipSolver(cost=np.zeros(m + n), lower=np.zeros(m + n),
                       upper=np.r_[np.ones(m), coverable.astype(float)],
                       integer=np.r_[np.ones(m, bool), np.zeros(n, bool)], rows=rows,
                       row_lower=np.r_[np.full(n, -np.inf), p], row_upper=np.r_[np.zeros(n), p],
                       time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
    x, report = solver.solve(np.r_[np.zeros(m), w], maximize=True)
    sites = np.zeros(m, bool) if x is None else x[:m] > 0.5
    return _result("mclp", d, w, sites, radius_m, report, started)


def lscp(distance_m: np.ndarray, *, radius_m: float, time_limit_s: float = 60.0,
         mip_rel_gap: float = 0.0) -> SitingResult:
    """Location set covering: the fewest sites putting every demand point within ``radius_m``.

    Minimise ``sum_j x_j`` subject to ``sum_{j: d_ij <= R} x_j >= 1`` for every demand point some
    site can reach. Points no site reaches are left out of the model and listed in
    ``uncoverable`` with an ``explanation``, so the rest is still covered with the fewest sites.

    Examples
    --------
    >>> r = lscp([[100, 900], [800, 200], [9000, 9000]], radius_m=500)
    >>> r.sites, r.uncoverable
    ((0, 1), (2,))
    """
    started = time.perf_counter()
    d, w = _inputs(distance_m)
    n, m = d.shape
    reach = d <= radius_m
    coverable = np.flatnonzero(reach.any(axis=1))
    ii, jj = np.nonzero(reach[coverable])
    solver = MipSolver(cost=np.ones(m), lower=np.zeros(m), upper=np.ones(m),
                       integer=np.ones(m, bool), rows=_ones(ii, jj, len(coverable), m),
                       row_lower=np.ones(len(coverable)), row_upper=np.full(len(coverable), np.inf),
                       time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
    x, report = solver.solve(np.ones(m))
    sites = np.zeros(m, bool) if x is None else x > 0.5
    return _result("lscp", d, w, sites, radius_m, report, started, np.flatnonzero(~reach.any(1)))


def p_median(distance_m: np.ndarray, weights: np.ndarray, *, p: int,
             time_limit_s: float = 60.0, mip_rel_gap: float = 0.0) -> SitingResult:
    """p-median: the ``p`` sites with the least weighted distance from demand to its nearest site.

    The radius formulation (Elloumi 2010; Garcia, Labbe & Marin 2011; LP bound as strong as the
    classic ``z_ij <= x_j``): with row i's sites sorted, ``D_i1 <= D_i2 <= ...``, ``y_ik = 1`` when
    none of its k nearest is open; minimise ``sum_i w_i (D_i1 + sum_k (D_i,k+1 - D_ik) y_ik)``
    subject to ``y_i1 + x_(i1) >= 1``, ``y_ik - y_i,k-1 + x_(ik) >= 0``, ``sum_j x_j = p``. Levels
    stop at ``K_i`` (a lower bound on the cost), which grows wherever the optimum has no open
    site among i's ``K_i`` nearest, until none is left: the result is the exact p-median.
    Infinite distance means unreachable. ``objective / sum(w)`` is spopt's ``mean_dist``.

    Examples
    --------
    >>> r = p_median([[100, 900], [800, 200], [700, 300]], [5, 1, 1], p=1)
    >>> r.sites, r.objective, r.allocation.tolist()
    ((0,), 2000.0, [0, 0, 0])
    """
    started = time.perf_counter()
    d, w = _inputs(distance_m, weights, p)
    n, m = d.shape
    reachable = np.isfinite(d).sum(axis=1)
    if (reachable == 0).any():
        raise InvalidInput("every demand row needs at least one site at a finite distance")
    order = np.argsort(d, axis=1, kind="stable")
    d_sorted = np.take_along_axis(d, order, axis=1)
    k_max = np.where((w == 0) & (reachable == m), 0, np.minimum(reachable, m - p))
    k = np.minimum(k_max, max(8, 2 * -(-m // p)))
    sites = None
    while True:
        remaining = time_limit_s - (time.perf_counter() - started)
        solver, cost, start = _radius_model(d_sorted, order, w, k, reachable, p, sites,
                                            remaining, mip_rel_gap)
        x, report = solver.solve(cost, start=start)
        sites = sites if x is None else x[:m] > 0.5
        rank = np.argmax(sites[order], axis=1) if sites is not None else k  # nearest open level
        short = (rank >= k) & (k < k_max)
        if x is None or report.status != "optimal" or not short.any():
            break
        k = np.where(short, np.minimum(k_max, np.maximum(2 * k, rank + 1)), k)
    result = _result("p-median", d, w, np.zeros(m, bool) if sites is None else sites, np.inf,
                     report, started)
    if report.status == "optimal" or not result.objective:
        return result
    bound = report.bound + float(w @ d_sorted[:, 0])  # the cut levels make it a lower bound
    return replace(result, mip_gap=max(0.0, 1 - bound / result.objective))


def _radius_model(d_sorted, order, w, k, reachable, p, x_start, time_limit_s, mip_rel_gap):
    n, m = order.shape
    row = np.repeat(np.arange(n), k)  # demand row of each level
    level = np.arange(k.sum()) - np.repeat(np.cumsum(k) - k, k)
    y, r, later = m + np.arange(k.sum()), np.arange(k.sum()), level > 0
    last = level + 1 == reachable[row]  # beyond lie only unreachable sites: must be served
    with np.errstate(invalid="ignore"):
        step = np.where(last, 0.0, d_sorted[row, np.minimum(level + 1, m - 1)] - d_sorted[row, level])
    rows = sparse.coo_array((
        np.r_[np.ones(2 * len(r)), -np.ones(later.sum()), np.ones(m)],
        (np.r_[r, r, r[later], np.full(m, len(r))],
         np.r_[y, order[row, level], y[later] - 1, np.arange(m)])), shape=(len(r) + 1, m + len(r)))
    solver = MipSolver(cost=np.zeros(m + len(r)), lower=np.zeros(m + len(r)),
                       upper=np.r_[np.ones(m), np.where(last, 0.0, 1.0)],
                       integer=np.r_[np.ones(m, bool), np.zeros(len(r), bool)], rows=rows,
                       row_lower=np.r_[np.where(later, 0.0, 1.0), p],
                       row_upper=np.r_[np.full(len(r), np.inf), p],
                       time_limit_s=max(time_limit_s, 1e-3), mip_rel_gap=mip_rel_gap)
    start = None
    if x_start is not None:
        rank = np.argmax(x_start[order], axis=1)
        start = np.r_[x_start, rank[row] > level]
    return solver, np.r_[np.zeros(m), w[row] * step], start
