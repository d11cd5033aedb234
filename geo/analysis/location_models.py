"""Classic location models on a distance matrix (MCLP, LSCP, p-median), solved exactly by HiGHS.

Rows of ``distance_m`` are demand points (cells, tracts), columns candidate sites, values metres.
MCLP and LSCP are spopt's formulations (``spopt.locate``); p-median is the radius formulation,
equally strong and far smaller. Models are built as sparse arrays and passed to HiGHS in one call.

Each model always answers: a heuristic plan (``location_heuristics``) is HiGHS's start and the
answer when HiGHS has none better by the time limit. Its gap is measured against the best bound
proven: HiGHS's own, the LP relaxation's (MCLP and LSCP: solved first, within half the limit) or
the Lagrangian one (p-median: within the first 30 %, and when it meets the heuristic's plan the
plan is proved optimal without HiGHS).
"""
from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from geo.analysis.location_heuristics import cover_plan, mclp_plan, p_median_bound, p_median_plan
from geo.analysis.mip import MipSolver, SolveReport
from geo.errors import InvalidInput
from ..messages import N_, Message


@dataclass(frozen=True, eq=False)
class SitingResult:
    """Chosen sites and what they serve; ``allocation[i]`` is demand row i's site column or -1.

    ``covered_percent`` counts demand rows (spopt's ``perc_cov``, though spopt's MCLP counts a
    zero-weight row in reach as uncovered); ``covered_demand`` sums their weights. ``uncoverable``
    lists rows no site can reach within the radius, and ``explanation`` says so in a sentence.

    ``status`` is ``optimal`` (proved, to ``mip_rel_gap``), ``time_limit`` (the best plan found
    when time ran out: never empty), ``infeasible`` (LSCP: some demand is out of every site's
    reach, so full coverage is impossible and the plan is the fewest sites covering all the rest;
    p-median: ``p`` sites cannot reach every row) or ``no_solution``. ``objective`` is always
    recomputed from the sites. ``bound`` is the best proven bound on the objective (a lower bound
    for p-median and LSCP, an upper one for MCLP): HiGHS's dual bound, the LP relaxation's, or the
    bound no plan can beat (every row at its nearest site, all coverable weight covered, one site).
    ``mip_gap`` is how far the plan may be from the best possible, as a share of the larger of
    objective and bound: ``(objective - bound) / objective`` for p-median and LSCP,
    ``(bound - objective) / bound`` for MCLP; 0 when proved optimal.
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
    bound: float = np.nan


HEURISTIC_SHARE = 0.2  # of the time limit, for the heuristic's swaps (its greedy start always ends)
BOUND_SHARE = 0.3  # of the time limit, by which the p-median's Lagrangian bound must be in
POLISH_SHARE = 0.1  # of the time limit, last, for swaps from HiGHS's p-median plan
RELAXATION_SHARE = 0.5  # of the time limit, by which MCLP's and LSCP's LP relaxation must be in


def _inputs(distance_m, weights=None, p=None, time_limit_s=60.0):
    d = np.asarray(distance_m, dtype=float)
    if d.ndim != 2 or 0 in d.shape or np.isnan(d).any() or (d < 0).any():
        raise InvalidInput(Message("location_models.distance-non-empty",
                                   N_("distance_m must be a non-empty demand x site matrix of metres >= 0")))
    w = np.ones(d.shape[0]) if weights is None else np.asarray(weights, dtype=float)
    if w.shape != (d.shape[0],) or not np.isfinite(w).all() or (w < 0).any():
        raise InvalidInput(Message("location_models.weights-finite-values",
                                   N_("weights must be %(shape)s finite values >= 0, one per demand row"),
                                   shape=d.shape[0]))
    if p is not None and not 1 <= p <= d.shape[1]:
        raise InvalidInput(Message("location_models.between-candidate-sites",
                                   N_("p must be between 1 and the %(shape)s candidate sites, not %(p)s"),
                                   shape=d.shape[1], p=p))
    if not isinstance(time_limit_s, int | float | np.number) or not time_limit_s >= 0:
        raise InvalidInput(Message("location_models.time-limit-number",
                                   N_("time_limit_s must be a number of seconds >= 0, not %(time_limit_s)r"),
                                   time_limit_s=time_limit_s))
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


def _best(model, d, w, plans, radius_m, report, started, uncoverable=()):
    """The better of HiGHS's plan and the heuristic's (``plans``, None for none), as a result."""
    results = [_result(model, d, w, s, radius_m, report, started, uncoverable)
               for s in plans if s is not None]
    if model == "mclp":
        return max(results, key=lambda r: r.objective)  # first of equals: HiGHS's
    return min(results, key=lambda r: (r.n_uncovered - len(r.uncoverable), r.objective))


def _settle(result, report, bounds, *, maximize, mip_rel_gap, proved):
    """``result`` with its true status, best proven bound and gap (see ``SitingResult``)."""
    objective, tol = result.objective, 1e-9 * max(1.0, abs(result.objective))
    # a bound beyond the plan itself is no bound (HiGHS stopped before it meant anything)
    valid = [b for b in bounds if np.isfinite(b) and (b <= objective + tol if not maximize
                                                      else b >= objective - tol)]
    bound = (min if maximize else max)(valid, default=np.nan)
    high, low = (bound, objective) if maximize else (objective, bound)
    gap = max(0.0, (high - low) / max(abs(high), abs(low))) if high != low else 0.0
    gap = gap if np.isfinite(bound) else np.inf
    if report.status == "infeasible":
        return replace(result, status="infeasible", bound=bound)
    if proved:  # HiGHS's own gap: its tolerances may leave the bound a hair from the plan
        return replace(result, status="optimal", bound=bound,
                       mip_gap=max(0.0, min(report.mip_gap, gap)))
    gap = 0.0 if gap <= 1e-9 else gap  # rounding of sums, not a gap
    status = "optimal" if gap <= mip_rel_gap else "time_limit"
    explanation = result.explanation
    if status == "time_limit":
        explanation = " ".join(filter(None, [explanation, (
            f"Stopped at the time limit with the best plan found: objective {_amount(objective)}, "
            f"within {100 * gap:.2f} % of the best possible ({_amount(bound)}).")]))
    return replace(result, status=status, bound=bound, mip_gap=float(gap), explanation=explanation)


def _amount(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.4g}"


def _uncoverable_text(d, rows, radius_m) -> str:
    if not len(rows):
        return ""
    shown = ", ".join(f"row {i} (nearest site {d[i].min():.0f} m)" for i in rows[:10])
    more = f" and {len(rows) - 10} more" if len(rows) > 10 else ""
    return (f"{len(rows)} demand point(s) lie farther than {radius_m:.0f} m from every candidate "
            f"site and cannot be covered: {shown}{more}.")


def _ones(rows, cols, n_rows, n_cols):
    return sparse.coo_array((np.ones(len(rows)), (rows, cols)), shape=(n_rows, n_cols))


def _share(started, limit, share):
    return started + share * limit - time.perf_counter()


def mclp(distance_m: np.ndarray, weights: np.ndarray, *, radius_m: float, p: int,
         time_limit_s: float = 60.0, mip_rel_gap: float = 0.0) -> SitingResult:
    """Maximal covering: the ``p`` sites covering the most demand weight within ``radius_m``.

    Maximise ``sum_i w_i y_i`` subject to ``y_i <= sum_{j: d_ij <= R} x_j``, ``sum_j x_j = p``,
    ``x`` binary, ``0 <= y <= 1`` (integral at any optimum with ``x`` integral). HiGHS starts
    from a greedy-and-swap plan, which is the answer if HiGHS has none better by the limit.

    Parameters
    ----------
    distance_m : (n_demand, n_sites) array of metres.
    weights : (n_demand,) demand weights (incidents, population).
    radius_m : service radius; a site covers a demand point at ``distance <= radius_m``.
    p : number of sites to open.
    time_limit_s, mip_rel_gap : HiGHS limits; ``mip_rel_gap=0`` proves optimality. At the time
        limit the best plan found comes back with status ``time_limit`` and its true gap.

    Examples
    --------
    >>> r = mclp([[100, 900], [800, 200], [5000, 300]], [1, 3, 3], radius_m=500, p=1)
    >>> r.sites, r.n_uncovered, r.objective
    ((1,), 1, 6.0)
    """
    started = time.perf_counter()
    d, w = _inputs(distance_m, weights, p, time_limit_s)
    n, m = d.shape
    reach = d <= radius_m
    ii, jj = np.nonzero(reach)
    coverable = reach.any(axis=1)
    greedy = mclp_plan(reach, w, p, deadline=started + HEURISTIC_SHARE * time_limit_s)
    rows = sparse.vstack([
        sparse.hstack([-_ones(ii, jj, n, m), sparse.eye_array(n)]),
        sparse.hstack([sparse.coo_array(np.ones((1, m))), sparse.coo_array((1, n))]),
    ])
    solver = MipSolver(cost=np.zeros(m + n), lower=np.zeros(m + n),
                       upper=np.r_[np.ones(m), coverable.astype(float)],
                       integer=np.r_[np.ones(m, bool), np.zeros(n, bool)], rows=rows,
                       row_lower=np.r_[np.full(n, -np.inf), p], row_upper=np.r_[np.zeros(n), p],
                       time_limit_s=max(time_limit_s - (time.perf_counter() - started), 0.0),
                       mip_rel_gap=mip_rel_gap)
    cost = np.r_[np.zeros(m), w]
    lp = solver.relaxation_bound(cost, maximize=True,
                                 time_limit_s=_share(started, time_limit_s, RELAXATION_SHARE))
    x, report = solver.solve(cost, maximize=True, start=np.r_[greedy, reach[:, greedy].any(1)])
    result = _best("mclp", d, w, [None if x is None else x[:m] > 0.5, greedy], radius_m, report,
                   started)
    return _settle(result, report, [report.bound, lp, float(w[coverable].sum())], maximize=True,
                   mip_rel_gap=mip_rel_gap, proved=report.status == "optimal")


def lscp(distance_m: np.ndarray, *, radius_m: float, time_limit_s: float = 60.0,
         mip_rel_gap: float = 0.0) -> SitingResult:
    """Location set covering: the fewest sites putting every demand point within ``radius_m``.

    Minimise ``sum_j x_j`` subject to ``sum_{j: d_ij <= R} x_j >= 1`` for every demand point some
    site can reach, HiGHS starting from a greedy cover. Points no site reaches make full coverage
    impossible: the status is then ``infeasible``, they are listed in ``uncoverable`` and the
    ``explanation``, and the plan is the fewest sites covering every other point (its own proof,
    or gap at the time limit, in ``mip_gap`` and the explanation).

    Examples
    --------
    >>> r = lscp([[100, 900], [800, 200], [9000, 9000]], radius_m=500)
    >>> r.sites, r.uncoverable, r.status
    ((0, 1), (2,), 'infeasible')
    """
    started = time.perf_counter()
    d, w = _inputs(distance_m, time_limit_s=time_limit_s)
    n, m = d.shape
    reach = d <= radius_m
    coverable = np.flatnonzero(reach.any(axis=1))
    uncoverable = np.flatnonzero(~reach.any(axis=1))
    greedy = cover_plan(reach[coverable]) if len(coverable) else np.zeros(m, bool)
    x, lp, report = None, np.nan, SolveReport("optimal", 0.0, 0.0, 0.0, 0.0)
    if len(coverable):
        ii, jj = np.nonzero(reach[coverable])
        solver = MipSolver(cost=np.ones(m), lower=np.zeros(m), upper=np.ones(m),
                           integer=np.ones(m, bool), rows=_ones(ii, jj, len(coverable), m),
                           row_lower=np.ones(len(coverable)),
                           row_upper=np.full(len(coverable), np.inf),
                           time_limit_s=max(time_limit_s - (time.perf_counter() - started), 0.0),
                           mip_rel_gap=mip_rel_gap)
        lp = solver.relaxation_bound(np.ones(m),
                                     time_limit_s=_share(started, time_limit_s, RELAXATION_SHARE))
        x, report = solver.solve(np.ones(m), start=greedy.astype(float))
    result = _best("lscp", d, w, [None if x is None else x > 0.5, greedy], radius_m, report,
                   started, uncoverable)
    # the fewest sites is a whole number: a fractional bound rounds up
    bounds = [np.ceil(b - 1e-6) for b in (report.bound, lp)] + [float(len(coverable) > 0)]
    result = _settle(result, report, bounds, maximize=False, mip_rel_gap=mip_rel_gap,
                     proved=report.status == "optimal")
    if not len(uncoverable):
        return result
    proof = ("proved the fewest" if result.status == "optimal" else
             f"the fewest found by the time limit; at least {result.bound:.0f} are needed")
    rest = (f"this plan covers all {len(coverable)} other demand point(s) with "
            f"{len(result.sites)} site(s) ({proof})." if len(coverable) else
            "no demand point is within reach of any site, so no site is chosen.")
    explanation = f"{_uncoverable_text(d, uncoverable, radius_m)} Full coverage is impossible; {rest}"
    return replace(result, status="infeasible", explanation=explanation)


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

    A greedy-and-interchange plan comes first, then a Lagrangian lower bound; when they meet
    the plan is proved optimal without HiGHS, else it is HiGHS's start. A model with cut levels
    costs every plan at most its true cost, so its dual bound bounds the full problem from
    below too: at the time limit the best plan found comes back with the best bound and its gap.

    Examples
    --------
    >>> r = p_median([[100, 900], [800, 200], [700, 300]], [5, 1, 1], p=1)
    >>> r.sites, r.objective, r.allocation.tolist()
    ((0,), 2000.0, [0, 0, 0])
    """
    started = time.perf_counter()
    d, w = _inputs(distance_m, weights, p, time_limit_s)
    if (~np.isfinite(d)).all(axis=1).any():
        raise InvalidInput(Message("location_models.every-demand-row",
                                   N_("every demand row needs at least one site at a finite distance")))
    greedy = p_median_plan(d, w, p, deadline=started + HEURISTIC_SHARE * time_limit_s)
    served = d[:, greedy].min(axis=1)
    upper = float(w @ served) if np.isfinite(served).all() else np.inf
    bounds = [float(w @ d.min(axis=1))]  # every row at its nearest site
    if np.isfinite(upper):
        bounds.append(p_median_bound(d, w, p, upper=upper,
                                     deadline=started + BOUND_SHARE * time_limit_s))
    found, report, proved = None, SolveReport("time_limit", upper, np.inf, 0.0), False
    if not (np.isfinite(upper) and upper - max(bounds) <= 1e-9 * max(upper, 1.0)):  # else proved
        found, report, proved, more = _radius_rounds(d, w, p, greedy, started,
                                                     (1 - POLISH_SHARE) * time_limit_s, mip_rel_gap)
        bounds += more
        if found is not None and not proved and (found != greedy).any():  # swaps from HiGHS's plan
            found = p_median_plan(d, w, p, deadline=started + time_limit_s, start=found)
    result = _best("p-median", d, w, [found, greedy], np.inf, report, started)
    return _settle(result, report, bounds, maximize=False, mip_rel_gap=mip_rel_gap, proved=proved)


def _radius_rounds(d, w, p, sites, started, time_limit_s, mip_rel_gap):
    """Radius models with more levels where the last one's optimum needed them, from ``sites``:
    the last plan HiGHS found (or None), its report, whether it is proved, the bounds on the way."""
    n, m = d.shape
    reachable = np.isfinite(d).sum(axis=1)
    order = np.argsort(d, axis=1, kind="stable")
    d_sorted = np.take_along_axis(d, order, axis=1)
    k_max = np.where((w == 0) & (reachable == m), 0, np.minimum(reachable, m - p))
    k = np.minimum(k_max, max(8, 2 * -(-m // p)))
    nearest = float(w @ d_sorted[:, 0])  # the model leaves out this constant: add it to bounds
    found, bounds = None, []
    while True:
        remaining = time_limit_s - (time.perf_counter() - started)
        solver, cost, start = _radius_model(d_sorted, order, w, k, reachable, p, sites,
                                            remaining, mip_rel_gap)
        x, report = solver.solve(cost, start=start)
        bounds.append(nearest + report.bound)  # the cut levels make it a lower bound
        if x is not None:
            sites = found = x[:m] > 0.5
        rank = np.argmax(sites[order], axis=1) if sites is not None else k  # nearest open level
        short = (rank >= k) & (k < k_max)
        if x is None or report.status != "optimal" or not short.any():
            return found, report, x is not None and report.status == "optimal", bounds
        k = np.where(short, np.minimum(k_max, np.maximum(2 * k, rank + 1)), k)


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
