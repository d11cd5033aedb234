"""The orienteering problem of a walking patrol: from a start, visit as much hot-spot weight as fits
in the time, and return.

Pure numpy on a distance matrix ``d`` whose row and column 0 is the start and 1..n the candidates
(metres along the streets, so a shortest-path metric: the triangle inequality holds; ``inf``:
unreachable). A tour's cost is its length plus ``dwell_m`` per
visited candidate (the time spent at a hot spot, as metres walked in that time), and must not exceed
``budget_m`` (the shift's time at the walking speed). The answer maximises the visited weight, and
among tours of that weight takes a short one.

- exact: a MIP solved by HiGHS (``geo.analysis.mip``): arcs ``x_ij``, visits ``y_i``, Miller-Tucker-
  Zemlin order variables ``u_i`` that forbid every cycle not through the start (Miller, Tucker &
  Zemlin 1960; the orienteering formulation of Vansteenwegen, Souffriau & Van Oudheusden 2011,
  Eur. J. Oper. Res. 209:1-10), started from the heuristic's tour and stopped at a time limit;
- heuristic: greedy insertion by weight per added cost, 2-opt and or-opt to shorten, swaps of a
  visited candidate for a heavier unvisited one, and drops of one visited for two unvisited
  (Tsiligirides 1984; Chao, Golden & Wasil 1996), repeated until nothing improves. It is the MIP's
  start and the answer for instances above ``exact_max`` candidates or when HiGHS finds nothing
  better in its time.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from .mip import MipSolver

# Weight worth less than this is no gain (floating point noise of sums).
EPS = 1e-9


@dataclass(frozen=True)
class Tour:
    """The candidates visited in order (1-based rows of ``d``; the start, 0, is left out), their
    total ``weight``, the tour's ``length_m`` (start to start, without dwell), how it was found
    (``optimal``: proven by HiGHS; ``time_limit``: HiGHS's best when the time ran out, with
    ``gap``; ``heuristic``: the heuristic alone) and HiGHS's proven upper ``bound`` on the weight."""

    order: tuple[int, ...]
    weight: float
    length_m: float
    status: str
    gap: float = np.nan
    bound: float = np.nan

    def cost_m(self, dwell_m: float) -> float:
        return self.length_m + dwell_m * len(self.order)


def tour_length(d: np.ndarray, order) -> float:
    """The length of start → ``order`` → start (0 for an empty tour).

    >>> tour_length(np.array([[0., 2, 3], [2, 0, 4], [3, 4, 0]]), [1, 2])
    9.0
    """
    if not len(order):
        return 0.0
    stops = np.r_[0, np.asarray(order, int), 0]
    return float(d[stops[:-1], stops[1:]].sum())


def solve(d: np.ndarray, weights: np.ndarray, *, budget_m: float, dwell_m: float = 0.0, exact_max: int = 40,
          time_limit_s: float = 10.0) -> Tour:
    """The tour of the most weight within ``budget_m``: HiGHS's MIP up to ``exact_max`` candidates
    (from the heuristic's tour, within ``time_limit_s``), else the heuristic's.

    ``d`` is (n+1) x (n+1) with the start first; ``weights`` the n candidates' weights (> 0).

    Examples
    --------
    >>> d = np.array([[0., 1, 5], [1, 0, 5], [5, 5, 0]])
    >>> solve(d, np.array([1.0, 3.0]), budget_m=10).order
    (2,)
    """
    d = np.asarray(d, float)
    weights = np.asarray(weights, float)
    deadline = time.perf_counter() + time_limit_s
    usable = _usable(d, weights, budget_m, dwell_m)
    best = heuristic(d, weights, budget_m=budget_m, dwell_m=dwell_m, deadline=deadline)
    if not usable.any() or len(weights) > exact_max or time.perf_counter() >= deadline:
        return best
    keep = np.r_[0, 1 + np.flatnonzero(usable)]
    sub = d[np.ix_(keep, keep)]
    sub_order = [int(np.flatnonzero(keep == i)[0]) for i in best.order]
    exact = _mip(sub, weights[usable], budget_m=budget_m, dwell_m=dwell_m, start=sub_order,
                 time_limit_s=max(deadline - time.perf_counter(), 0.05))
    if exact is None:
        return best
    order = shortest_order(d, [int(keep[i]) for i in exact.order])
    if tour_length(d, order) > exact.length_m + 1e-6:  # the heuristic order of a long tour
        order = [int(keep[i]) for i in exact.order]
    weight = float(weights[np.asarray(order, int) - 1].sum()) if order else 0.0
    if weight + EPS < best.weight:  # HiGHS stopped before reaching the heuristic's tour
        return Tour(best.order, best.weight, best.length_m, "heuristic", exact.gap, exact.bound)
    return Tour(tuple(order), weight, tour_length(d, order), exact.status, exact.gap, exact.bound)


def _usable(d, weights, budget_m, dwell_m) -> np.ndarray:
    """Candidates with weight whose round trip from the start alone fits."""
    trip = d[0, 1:] + d[1:, 0] + dwell_m
    return (weights > 0) & np.isfinite(trip) & (trip <= budget_m + 1e-9)


def _mip(d: np.ndarray, weights: np.ndarray, *, budget_m: float, dwell_m: float, start: list[int],
         time_limit_s: float) -> Tour | None:
    """The MTZ model over all arcs of ``d`` (start 0); None when HiGHS finds no tour."""
    n = len(weights)
    frm, to = np.nonzero(~np.eye(n + 1, dtype=bool))
    finite = np.isfinite(d[frm, to])
    frm, to = frm[finite], to[finite]
    m = len(frm)
    # columns: x (m arcs), y (n visits), u (n orders)
    x, y, u = np.arange(m), m + np.arange(n), m + n + np.arange(n)
    n_col = m + 2 * n
    rows, cols, vals, lo, hi = [], [], [], [], []

    def row(c, v, lower, upper):
        rows.extend([len(lo)] * len(c))
        cols.extend(c)
        vals.extend(v)
        lo.append(lower)
        hi.append(upper)

    for i in range(1, n + 1):
        out, into = x[frm == i], x[to == i]
        row([*out, y[i - 1]], [1.0] * len(out) + [-1.0], 0.0, 0.0)  # leaves a visited candidate once
        row([*into, y[i - 1]], [1.0] * len(into) + [-1.0], 0.0, 0.0)  # enters it once
    out0, in0 = x[frm == 0], x[to == 0]
    row([*out0, *in0], [1.0] * len(out0) + [-1.0] * len(in0), 0.0, 0.0)  # the start: out as in
    row(list(out0), [1.0] * len(out0), 0.0, 1.0)  # at most one tour
    row([*x, *y], [*d[frm, to], *([dwell_m] * n)], -np.inf, budget_m)  # the time
    inner = np.flatnonzero((frm > 0) & (to > 0))
    for a in inner:  # u_i - u_j + n x_ij <= n - 1: no cycle avoids the start
        i, j = frm[a], to[a]
        row([u[i - 1], u[j - 1], x[a]], [1.0, -1.0, float(n)], -np.inf, n - 1.0)
    a_rows = sparse.coo_array((vals, (rows, cols)), shape=(len(lo), n_col))
    lower = np.r_[np.zeros(m + n), np.ones(n)]
    upper = np.r_[np.ones(m + n), np.full(n, float(n))]
    integer = np.r_[np.ones(m + n, bool), np.zeros(n, bool)]
    # the weight first; among equal weights the shorter (the length term is below any weight step)
    tie = 1e-7 * max(float(weights[weights > 0].min(initial=1.0)), EPS) / max(budget_m, 1.0)
    cost = np.r_[-tie * d[frm, to], weights, np.zeros(n)]
    solver = MipSolver(cost=np.zeros(n_col), lower=lower, upper=upper, integer=integer, rows=a_rows,
                       row_lower=np.array(lo), row_upper=np.array(hi), time_limit_s=time_limit_s,
                       mip_rel_gap=1e-6)
    values, report = solver.solve(cost, maximize=True, start=_start_vector(start, frm, to, n, m))
    if values is None or report.status not in ("optimal", "time_limit"):
        return None
    chosen = {int(frm[a]): int(to[a]) for a in np.flatnonzero(values[x] > 0.5)}
    order, at = [], chosen.get(0)
    while at is not None and at != 0 and len(order) <= n:
        order.append(at)
        at = chosen.get(at)
    bound = report.bound if np.isfinite(report.bound) else np.nan
    return Tour(tuple(order), float(weights[np.asarray(order, int) - 1].sum()) if order else 0.0,
                tour_length(d, order), report.status, report.mip_gap, bound)


def _start_vector(order: list[int], frm, to, n: int, m: int) -> np.ndarray:
    """The MIP's columns for the tour ``order`` (the heuristic's): arcs, visits, positions."""
    values = np.r_[np.zeros(m + n), np.ones(n)]
    stops = [0, *order, 0]
    arc = {(int(a), int(b)): k for k, (a, b) in enumerate(zip(frm, to))}
    for a, b in zip(stops[:-1], stops[1:]):
        if (a, b) in arc:
            values[arc[(a, b)]] = 1.0
    for position, i in enumerate(order, start=1):
        values[m + i - 1] = 1.0
        values[m + n + i - 1] = float(position)
    return values


def heuristic(d: np.ndarray, weights: np.ndarray, *, budget_m: float, dwell_m: float = 0.0,
              deadline: float = np.inf) -> Tour:
    """A good tour quickly: the better of greedy insertion by weight per added cost and by weight
    alone, each improved by shortening, swaps and drop-one-add-two until nothing improves.

    Examples
    --------
    >>> d = np.array([[0., 1, 1, 9], [1, 0, 1, 9], [1, 1, 0, 9], [9, 9, 9, 0]])
    >>> heuristic(d, np.ones(3), budget_m=4).order in ((1, 2), (2, 1))
    True
    """
    d = np.asarray(d, float)
    weights = np.asarray(weights, float)
    usable = set((1 + np.flatnonzero(_usable(d, weights, budget_m, dwell_m))).tolist())
    best: list[int] = []
    for by_ratio in (True, False):
        tour = _improve(d, weights, [], usable, budget_m, dwell_m, by_ratio, deadline)
        if _weight(weights, tour) > _weight(weights, best) + EPS or (
                abs(_weight(weights, tour) - _weight(weights, best)) <= EPS
                and tour_length(d, tour) < tour_length(d, best)):
            best = tour
    return Tour(tuple(best), _weight(weights, best), tour_length(d, best), "heuristic")


def _weight(weights, tour) -> float:
    return float(weights[np.asarray(tour, int) - 1].sum()) if tour else 0.0


def _cost(d, tour, dwell_m) -> float:
    return tour_length(d, tour) + dwell_m * len(tour)


def _improve(d, weights, tour, usable, budget_m, dwell_m, by_ratio, deadline) -> list[int]:
    while True:
        tour = _insert_greedily(d, weights, tour, usable, budget_m, dwell_m, by_ratio)
        tour = _shorten(d, tour)
        if time.perf_counter() >= deadline:
            return tour
        better = _swap(d, weights, tour, usable, budget_m, dwell_m)
        if better is None:
            better = _drop_add_two(d, weights, tour, usable, budget_m, dwell_m)
        if better is None:
            return tour
        tour = better


def _best_insertion(d, tour, c) -> tuple[float, int]:
    """The least added length of inserting ``c`` into ``tour``, and where."""
    stops = np.r_[0, np.asarray(tour, int), 0]
    a, b = stops[:-1], stops[1:]
    delta = d[a, c] + d[c, b] - d[a, b]
    k = int(np.argmin(delta))
    return float(delta[k]), k


def _insert_greedily(d, weights, tour, usable, budget_m, dwell_m, by_ratio) -> list[int]:
    tour = list(tour)
    cost = _cost(d, tour, dwell_m)
    while True:
        best = None
        for c in usable.difference(tour):
            delta, at = _best_insertion(d, tour, c)
            if not np.isfinite(delta) or cost + delta + dwell_m > budget_m + 1e-9:
                continue
            score = weights[c - 1] / (delta + dwell_m + 1e-6) if by_ratio else weights[c - 1] - 1e-9 * delta
            if best is None or score > best[0]:
                best = (score, c, at, delta)
        if best is None:
            return tour
        _, c, at, delta = best
        tour.insert(at, c)
        cost += delta + dwell_m


def _shorten(d, tour) -> list[int]:
    """2-opt (reverse a stretch) and or-opt (move one stop) until neither shortens the tour."""
    tour = list(tour)
    improved = True
    while improved and len(tour) > 1:
        improved = False
        length = tour_length(d, tour)
        for i in range(len(tour)):
            for j in range(i + 1, len(tour)):
                candidate = tour[:i] + tour[i:j + 1][::-1] + tour[j + 1:]
                if (new := tour_length(d, candidate)) < length - 1e-9:
                    tour, length, improved = candidate, new, True
        for i in range(len(tour)):
            rest = tour[:i] + tour[i + 1:]
            delta, at = _best_insertion(d, rest, tour[i])
            if tour_length(d, rest) + delta < length - 1e-9:
                rest.insert(at, tour[i])
                tour, length, improved = rest, tour_length(d, rest), True
    return tour


def _swap(d, weights, tour, usable, budget_m, dwell_m) -> list[int] | None:
    """The tour with one visited candidate replaced by the heaviest unvisited one that then fits and
    weighs more; None when there is none."""
    best = None
    for k, t in enumerate(tour):
        rest = tour[:k] + tour[k + 1:]
        rest_cost = _cost(d, rest, dwell_m)
        for c in usable.difference(tour):
            gain = weights[c - 1] - weights[t - 1]
            if gain <= EPS or (best is not None and gain <= best[0]):
                continue
            delta, at = _best_insertion(d, rest, c)
            if rest_cost + delta + dwell_m <= budget_m + 1e-9:
                best = (gain, rest[:at] + [c] + rest[at:])
    return None if best is None else _shorten(d, best[1])


def _drop_add_two(d, weights, tour, usable, budget_m, dwell_m) -> list[int] | None:
    """The tour with one visited candidate (or none) replaced by two unvisited ones that fit and
    weigh more; None when there is none."""
    out = sorted(usable.difference(tour))
    for k in range(len(tour) + 1):
        rest = tour[:k] + tour[k + 1:] if k < len(tour) else list(tour)
        lost = weights[tour[k] - 1] if k < len(tour) else 0.0
        for i, a in enumerate(out):
            da, at = _best_insertion(d, rest, a)
            if not np.isfinite(da):
                continue
            first = rest[:at] + [a] + rest[at:]
            first_cost = _cost(d, first, dwell_m)
            if first_cost > budget_m + 1e-9:
                continue
            for b in out[i + 1:]:
                if weights[a - 1] + weights[b - 1] - lost <= EPS:
                    continue
                db, bt = _best_insertion(d, first, b)
                if first_cost + db + dwell_m <= budget_m + 1e-9:
                    return _shorten(d, first[:bt] + [b] + first[bt:])
    return None


def shortest_order(d: np.ndarray, stops, *, exact_max: int = 11) -> list[int]:
    """The order of ``stops`` (rows of ``d``) giving the shortest tour from and back to 0: exact by
    Held-Karp's dynamic programme up to ``exact_max`` stops, else nearest neighbour then 2-opt and
    or-opt.

    >>> d = np.array([[0., 1, 2, 1], [1, 0, 1, 2], [2, 1, 0, 1], [1, 2, 1, 0]])
    >>> tour_length(d, shortest_order(d, [2, 1, 3]))
    4.0
    """
    stops = [int(s) for s in stops]
    k = len(stops)
    if k <= 1:
        return stops
    if k > exact_max:
        order, left = [], set(stops)
        at = 0
        while left:
            at = min(left, key=lambda s: (d[at, s], s))
            order.append(at)
            left.remove(at)
        return _shorten(d, order)
    idx = np.array(stops)
    sub = d[np.ix_(idx, idx)]
    full = 1 << k
    cost = np.full((full, k), np.inf)
    back = np.full((full, k), -1, dtype=np.int64)
    for j in range(k):
        cost[1 << j, j] = d[0, idx[j]]
    for mask in range(1, full):
        for j in range(k):
            if not (mask >> j) & 1 or not np.isfinite(cost[mask, j]):
                continue
            for nxt in range(k):
                if (mask >> nxt) & 1:
                    continue
                new = mask | (1 << nxt)
                c = cost[mask, j] + sub[j, nxt]
                if c < cost[new, nxt]:
                    cost[new, nxt], back[new, nxt] = c, j
    last = int(np.argmin(cost[full - 1] + d[idx, 0]))
    order, mask = [], full - 1
    while last >= 0:
        order.append(stops[last])
        last, mask = int(back[mask, last]), mask & ~(1 << last)
    return order[::-1]
