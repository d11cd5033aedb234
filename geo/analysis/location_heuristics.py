"""Quick plans for the location models, as HiGHS's starting point and as the answer when it has
none, and a quick lower bound for the p-median when HiGHS has none either.

Pure numpy on the demand x site matrix, each step vectorised over all candidate swaps:

- p-median: greedy add, then vertex interchange (Teitz & Bart 1968) taking the best swap of an
  open site for a closed one each round, the change of every (close, open) pair computed at once
  from each row's nearest and second-nearest open site, as Whitaker's fast interchange does
  (Whitaker 1983; Resende & Werneck 2007);
- MCLP: greedy add, then the best coverage-raising swap each round;
- LSCP: greedy set cover (Chvatal 1979), then sites whose rows all have another open site dropped;
- p-median bound: the Lagrangian relaxation of "each row served once" by subgradient steps
  (Beasley 1993, Eur. J. Oper. Res. 65:383-399), whose best value approaches the LP
  relaxation's optimum in a fraction of the time HiGHS needs for that LP on large instances.

Each stops improving at ``deadline`` (a ``time.perf_counter()`` value); the greedy start is always
finished, so a plan comes back however short the time. Ties go to the lowest column.
"""
from __future__ import annotations

import time

import numpy as np
from scipy import sparse


def p_median_plan(d: np.ndarray, w: np.ndarray, p: int, *, deadline: float,
                  start: np.ndarray | None = None) -> np.ndarray:
    """``p`` open sites (a boolean mask over columns) with a small weighted distance ``w @ min d``.

    ``inf`` in ``d`` (unreachable) costs more than any reachable plan, so a plan serving every
    row is preferred whenever the greedy or a swap finds one. Given ``start`` (``p`` open
    sites), the swaps improve that plan instead of the greedy one.

    Examples
    --------
    >>> p_median_plan(np.array([[0., 5, 9], [5, 0, 4], [9, 4, 0]]), np.ones(3), 1,
    ...               deadline=float("inf")).nonzero()[0].tolist()
    [1]
    """
    big = _big(d, w)
    cost = np.where(np.isfinite(d), d, big)
    n, m = cost.shape
    open_ = np.zeros(m, bool) if start is None else np.array(start, bool)
    nearest = np.full(n, np.inf)
    for _ in range(p if start is None else 0):
        total = (w[:, None] * np.minimum(nearest[:, None], cost)).sum(axis=0)
        total[open_] = np.inf
        j = int(np.argmin(total))
        open_[j], nearest = True, np.minimum(nearest, cost[:, j])
    while p < m and time.perf_counter() < deadline:
        swap = _best_median_swap(cost, w, open_, big)
        if swap is None:
            break
        open_[list(swap)] = [False, True]
    return open_


def _best_median_swap(cost, w, open_, big):
    """The (close, open) pair lowering the weighted distance most, or None when none lowers it."""
    n, _ = cost.shape
    sites = np.flatnonzero(open_)
    sub = cost[:, sites]
    first = np.argmin(sub, axis=1)
    d1 = sub[np.arange(n), first]
    d2 = np.full(n, big)  # without a second open site, closing the first is unaffordable
    if len(sites) > 1:
        d2 = np.partition(sub, 1, axis=1)[:, 1]
    # opening j saves gain_j; closing r loses loss_r for the rows it serves, less what j recovers
    gain = (w[:, None] * np.maximum(d1[:, None] - cost, 0.0)).sum(axis=0)
    loss = np.bincount(first, w * (d2 - d1), minlength=len(sites))
    served_by = sparse.csr_array((np.ones(n), (first, np.arange(n))), shape=(len(sites), n))
    recovered = served_by @ (w[:, None] * np.maximum(d2[:, None] - np.maximum(cost, d1[:, None]), 0.0))
    change = loss[:, None] - gain[None, :] - recovered
    change[:, open_] = np.inf
    r, j = np.unravel_index(np.argmin(change), change.shape)
    current = float(w @ d1)
    if not change[r, j] < -1e-9 * max(current, 1.0):
        return None
    return int(sites[r]), int(j)


def mclp_plan(reach: np.ndarray, w: np.ndarray, p: int, *, deadline: float) -> np.ndarray:
    """``p`` open sites covering much demand weight; ``reach[i, j]`` says site j covers row i.

    Examples
    --------
    >>> reach = np.array([[1, 0, 0], [1, 1, 0], [0, 1, 1], [0, 0, 1]], bool)
    >>> mclp_plan(reach, np.array([1., 1, 1, 5]), 1, deadline=float("inf")).nonzero()[0].tolist()
    [2]
    """
    a = reach.astype(float)
    m = a.shape[1]
    open_, count = np.zeros(m, bool), np.zeros(a.shape[0])
    for _ in range(p):
        gain = (w * (count == 0)) @ a
        gain[open_] = -np.inf
        j = int(np.argmax(gain))
        open_[j], count = True, count + a[:, j]
    while p < m and time.perf_counter() < deadline:
        sites = np.flatnonzero(open_)
        only = w * (count == 1)  # rows that closing their one covering site would lose
        gain = (w * (count == 0)) @ a
        loss = only @ a[:, sites]
        kept = (a[:, sites] * only[:, None]).T @ a  # lost by closing r, yet covered by j
        change = gain[None, :] - loss[:, None] + kept
        change[:, open_] = -np.inf
        r, j = np.unravel_index(np.argmax(change), change.shape)
        if not change[r, j] > 1e-9 * max(float(w.sum()), 1.0):
            break
        open_[sites[r]], open_[j] = False, True
        count += a[:, j] - a[:, sites[r]]
    return open_


def cover_plan(reach: np.ndarray) -> np.ndarray:
    """Few sites putting every row of ``reach`` (each with some True) within reach of one.

    Examples
    --------
    >>> reach = np.array([[1, 1, 0], [0, 1, 0], [0, 1, 1], [0, 0, 1]], bool)
    >>> cover_plan(reach).nonzero()[0].tolist()
    [1, 2]
    """
    a = reach.astype(float)
    open_, uncovered = np.zeros(a.shape[1], bool), np.ones(a.shape[0], bool)
    while uncovered.any():
        j = int(np.argmax(uncovered @ a))
        open_[j], uncovered = True, uncovered & ~reach[:, j]
    count = a[:, open_].sum(axis=1)
    for j in sorted(np.flatnonzero(open_), key=lambda j: (a[:, j] @ (count == 1), j)):
        if (count[reach[:, j]] >= 2).all():  # every row it covers has another open site
            open_[j], count = False, count - a[:, j]
    return open_


def _big(d: np.ndarray, w: np.ndarray) -> float:
    """A distance dearer than any plan that serves every row from a reachable site."""
    finite = d[np.isfinite(d)]
    top = float(finite.max()) if finite.size else 1.0
    light = float(w[w > 0].min()) if (w > 0).any() else 1.0
    return 2.0 * (top + 1.0) * (float(w.sum()) / light + 1.0)


def p_median_bound(d: np.ndarray, w: np.ndarray, p: int, *, upper: float, deadline: float,
                   rounds: int = 300) -> float:
    """A lower bound on the p-median's ``w @ min d`` over all plans of ``p`` sites.

    For any multipliers ``lam`` the relaxation ``sum(lam) + (sum of the p smallest rho_j)``, with
    ``rho_j = sum_i min(0, w_i d_ij - lam_i)``, is such a bound; subgradient steps (Held, Wolfe &
    Crowder's rule, step ``theta (upper - L) / |g|^2``, theta halved after 10 rounds without a
    better bound) raise it towards the LP relaxation's optimum. ``upper`` is a known plan's cost.

    Examples
    --------
    >>> d = np.array([[0., 5, 9], [5, 0, 4], [9, 4, 0]])
    >>> round(p_median_bound(d, np.ones(3), 1, upper=9.0, deadline=float("inf")), 6)
    9.0
    """
    cost = np.where(np.isfinite(d), w[:, None] * np.where(np.isfinite(d), d, 0.0), np.inf)
    n, m = cost.shape
    lam = np.sort(cost, axis=1)[:, min(1, m - 1)]  # each row's cost at its second-nearest site
    lam = np.where(np.isfinite(lam), lam, cost.min(axis=1))
    best, theta, stale = -np.inf, 2.0, 0
    for _ in range(rounds):
        reduced = np.minimum(cost - lam[:, None], 0.0)
        rho = reduced.sum(axis=0)
        chosen = np.argpartition(rho, p - 1)[:p]
        value = float(lam.sum() + rho[chosen].sum())
        if not np.isfinite(best) or value > best + 1e-12 * max(abs(best), 1.0):
            best, stale = value, 0
        else:
            stale += 1
            if stale >= 10:
                theta, stale = theta / 2, 0
        g = 1.0 - (reduced[:, chosen] < 0).sum(axis=1)  # rows served 0 or several times
        norm = float(g @ g)
        if norm == 0 or theta < 1e-4 or upper - best <= 1e-9 * max(upper, 1.0) \
                or time.perf_counter() >= deadline:
            break
        lam = lam + theta * max(upper - value, 1e-9 * max(upper, 1.0)) / norm * g
    return best

