"""A shift plan: which formation goes to which target, events first, proved optimal by HiGHS.

The rules engine decides who *may* go where (the eligibility mask); this module only decides who
*should* (``plan_shift``), hands the plan's items to supervising officers (``hand_out_officers``)
and explains what cannot be done. Targets are cells, patrol zones, places or events.
"""
from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
from scipy import sparse

from geo.analysis.mip import MipSolver, SolveReport, relative_gap
from geo.errors import InvalidInput, RowError
from ..messages import N_, Message

NO_ELIGIBLE_FORMATION = "no_eligible_formation"
ELIGIBLE_FORMATIONS_TOO_SMALL = "eligible_formations_too_small"
FORMATIONS_NEEDED_ELSEWHERE = "formations_needed_elsewhere"
PRIMARY_SHARE = 0.8  # of the time limit, for event staffing and demand; the rest breaks ties


@dataclass(frozen=True)
class Assignment:
    """Formation ``formation`` sends ``members`` members to target ``target`` (row, column)."""

    formation: int
    target: int
    members: int
    distance_m: float


@dataclass(frozen=True)
class EventShortfall:
    """An event left short of ``need`` members; ``reason`` is one of the module's reason codes."""

    target: int
    need: int
    staffed: int
    reason: str
    eligible_formations: int
    eligible_members: int

    @property
    def shortfall(self) -> int:
        return self.need - self.staffed

    @property
    def message(self) -> str:
        eligible = f"its {self.eligible_formations} eligible formation(s)"
        members = self.eligible_members
        why = {NO_ELIGIBLE_FORMATION: "no eligible formation has members available",
               ELIGIBLE_FORMATIONS_TOO_SMALL: f"{eligible} have only {members} members in all",
               FORMATIONS_NEEDED_ELSEWHERE: f"{eligible} ({members} members) are needed for "
                                            "other events"}[self.reason]
        return f"Event {self.target} is {self.shortfall} of {self.need} members short: {why}."


@dataclass(frozen=True)
class ShiftPlan:
    """The proposed plan; ``coverage_percent`` is covered demand weight over all demand weight.

    ``status`` is ``optimal`` when event staffing and covered demand are both proved optimal (to
    ``mip_rel_gap``), else ``time_limit`` (best plan found; ``mip_gap`` the larger gap of the two).
    The tie-break has its own ``tie_break_gap``; ``stages`` holds each solve by name."""

    assignments: tuple[Assignment, ...]
    covered_targets: tuple[int, ...]
    uncovered_targets: tuple[int, ...]
    covered_demand: float
    coverage_percent: float
    event_shortfalls: tuple[EventShortfall, ...]
    status: str
    mip_gap: float
    tie_break_gap: float
    runtime_s: float
    stages: dict[str, SolveReport]

    def explanation(self) -> str:
        """Plain sentences for the dispatcher: coverage, every event shortfall, proof status."""
        n = len(self.covered_targets) + len(self.uncovered_targets)
        lines = [f"{len(self.assignments)} formation(s) cover {len(self.covered_targets)} of {n} "
                 f"target(s), {self.coverage_percent:.1f} % of the demand."]
        lines += [s.message for s in self.event_shortfalls]
        if self.status != "optimal":
            lines.append(f"Stopped at the time limit before proving this the best plan (gap "
                         f"{100 * self.mip_gap:.2f} % between it and the best possible bound)."
                         if np.isfinite(self.mip_gap) else
                         "Stopped at the time limit before any bound was proven: this plan is the "
                         "best found, how far it is from the best possible is not known.")
        elif self.tie_break_gap > 0:
            lines.append("Staffing and coverage are the best possible; the distance tie-break is "
                         + (f"within {100 * self.tie_break_gap:.2f} % of the shortest."
                            if np.isfinite(self.tie_break_gap) else "not proven."))
        return "\n".join(lines)


def plan_shift(*, formation_members: np.ndarray, target_need: np.ndarray,
               target_weight: np.ndarray, target_is_event: np.ndarray, eligible: np.ndarray,
               distance_m: np.ndarray, time_limit_s: float = 30.0,
               mip_rel_gap: float = 0.0) -> ShiftPlan:
    """Assign formations to targets for one shift, lexicographically optimal.

    Pairs (f, t) exist where ``eligible[f, t]``, f has members, ``distance_m[f, t]`` is finite
    and t is an event or has demand weight (no one is sent where nothing is gained). With
    ``u_ft = min(members_f, need_t)``, binaries ``x_ft`` (f goes to t) and ``c_t``
    (t covered), and ``0 <= s_t <= need_t`` (members staffing t):

    - each formation goes to at most one target: ``sum_t x_ft <= 1``;
    - ``s_t <= sum_f u_ft x_ft`` and ``need_t c_t <= sum_f u_ft x_ft``: a target is *covered*
      only when the formations sent to it have all the members it needs. Partial staffing
      earns nothing for ordinary targets (so none is made) but counts member by member for
      events, whose shortfall is ``need_t - s_t``.

    Three solves, each keeping the optimum of the ones before (exact: staffing is integral):

    1. maximise event members staffed ``sum_{t event} s_t``;
    2. maximise covered weighted demand ``sum_t w_t c_t``;
    3. minimise ``sum_ft (round(d_ft) + 1) x_ft + 0.5 L``, where ``L`` is the largest load
       ``max_f sum_t (u_ft / members_f) x_ft``. The first term is an integer and ``0.5 L < 1``,
       so shorter total distance (whole metres, fewer formations on a tie) strictly comes
       first and a fairer spread of load (the busiest formation the least drained) breaks the
       remaining ties. Solved first over the targets stage 2 covered (quick), then over all.

    Members are then split among the formations sent to a target in proportion to their size
    (largest remainder), never above a formation's members or the target's need.

    Parameters
    ----------
    formation_members : (F,) members each formation has available this shift.
    target_need : (T,) members each target needs (>= 1).
    target_weight : (T,) demand weight (recent incidents); events may carry weight too.
    target_is_event : (T,) True for events, which are staffed before anything else.
    eligible : (F, T) booleans from the rules engine.
    distance_m : (F, T) metres; only eligible pairs are read.
    time_limit_s : for all stages together; staffing and demand may use 80 % of it, the
        tie-break gets the rest. ``mip_rel_gap``: 0 asks HiGHS to prove each stage optimal.

    Examples
    --------
    >>> plan = plan_shift(formation_members=[4, 2], target_need=[5, 2],
    ...                   target_weight=[0, 3.0], target_is_event=[True, False],
    ...                   eligible=[[True, True], [False, True]],
    ...                   distance_m=[[500, 900], [0, 300]])
    >>> [(a.formation, a.target, a.members) for a in plan.assignments]
    [(0, 0, 4), (1, 1, 2)]
    >>> plan.event_shortfalls[0].shortfall, plan.event_shortfalls[0].reason
    (1, 'eligible_formations_too_small')
    """
    started = time.perf_counter()
    cap, need, w, event, ok, d = _inputs(formation_members, target_need, target_weight,
                                         target_is_event, eligible, distance_m)
    # an ordinary target of no weight is never worth a formation: leave its pairs out
    useful = ok & (cap[:, None] > 0) & (event | (w > 0))[None, :]
    f, t = np.nonzero(useful & np.isfinite(np.where(ok, d, np.inf)))
    x, stages = np.zeros(len(f), bool), {}
    if len(f):
        x, stages = _solve(cap, need, w, event, f, t, np.rint(d[f, t]), time_limit_s, mip_rel_gap)
    return _plan(cap, need, w, event, f, t, x, d, stages, started)



def hand_out_officers(plan: ShiftPlan, officers: Sequence[Sequence[dict]], *, target_is_event: Sequence[bool],
                      target_weight: Sequence[float]) -> tuple[dict, list[tuple[int, int]]]:
    """A supervising officer for as many items of the plan as possible, events first, then by demand.

    ``officers[t]`` are the officers who may supervise target ``t`` (``{"id", "name", "free"}``,
    ``free`` being how many more formations each may take: the regime's limit less those they
    already supervise). Items are placed in order; one that finds every officer of its target full
    moves earlier items to other officers where it can (augmenting paths of a bipartite
    b-matching), so no earlier item loses its officer. An officer already at the same target is
    preferred. Items left without one are returned as (formation row, target column) pairs; a
    target no officer may supervise at all passed the mask, so its activity needs none (None).

    Examples
    --------
    >>> plan = plan_shift(formation_members=[2, 2], target_need=[2, 2], target_weight=[3.0, 1.0],
    ...                   target_is_event=[False, False], eligible=[[True, False], [False, True]],
    ...                   distance_m=[[0, 0], [0, 0]])
    >>> seven = {"id": 7, "name": "Officer 7", "free": 1}
    >>> chosen, unplaced = hand_out_officers(plan, [[seven], [seven]], target_is_event=[False, False],
    ...                                      target_weight=[3.0, 1.0])
    >>> {pair: o["id"] for pair, o in chosen.items()}, unplaced
    ({(0, 0): 7}, [(1, 1)])
    """
    free: dict[int, int] = {}
    officer_of: dict[int, dict] = {}
    for pool in officers:
        for o in pool:
            free[o["id"]] = min(free.get(o["id"], o["free"]), o["free"])
            officer_of[o["id"]] = o
    held: dict[int, list[tuple[int, int]]] = defaultdict(list)
    chosen: dict[tuple[int, int], dict | None] = {}

    def candidates(pair):
        target = pair[1]
        return sorted((o["id"] for o in officers[target]),
                      key=lambda i: (not any(p[1] == target for p in held[i]), len(held[i]) - free[i],
                                     officer_of[i]["name"], i))

    def place(pair, seen: set[int]) -> bool:
        for i in candidates(pair):
            if i in seen:
                continue
            seen.add(i)
            if len(held[i]) < free[i]:
                held[i].append(pair)
                chosen[pair] = officer_of[i]
                return True
            for other in list(held[i]):
                if place(other, seen):  # ``other`` moved to another officer: its place here is free
                    held[i].remove(other)
                    held[i].append(pair)
                    chosen[pair] = officer_of[i]
                    return True
        return False

    unplaced = []
    order = sorted(plan.assignments, key=lambda a: (not target_is_event[a.target], -target_weight[a.target],
                                                    a.target, a.formation))
    for a in order:
        pair = (a.formation, a.target)
        if not officers[a.target]:
            chosen[pair] = None
        elif not place(pair, set()):
            unplaced.append(pair)
    return chosen, unplaced

def _solve(cap, need, w, event, f, t, dist, time_limit_s, mip_rel_gap):
    n_f, n_t, n_p, u = len(cap), len(need), len(f), np.minimum(cap[f], need[t]).astype(float)
    solver, coverable = _model(cap, need, f, t, u, time_limit_s, mip_rel_gap)
    xs, ss, cs, load = _layout(n_p, n_t)
    upper = np.r_[np.ones(n_p), need, coverable, 1.0]

    def columns(x):  # the full solution implied by the assignment x
        sent = np.bincount(t[x], u[x], n_t)
        loads = np.bincount(f[x], u[x] / cap[f[x]], n_f)
        return np.r_[x, np.minimum(sent, need), (sent >= need) & coverable, loads.max(initial=0)]

    stages = [("events", ss[event], np.ones(event.sum()), True, 0.5)] if event.any() else []
    if w.max(initial=0) > 0:
        stages.append(("demand", cs, w / w.max(), True, 1e-6))
    stages.append(("tie_break", np.r_[xs, load], np.r_[dist + 1, 0.5], False, None))
    x, reports = greedy_start(cap, need, w, event, f, t, u), {}
    primary_until = time.perf_counter() + PRIMARY_SHARE * time_limit_s
    for name, cols, coef, maximize, tolerance in stages:
        cost = np.zeros(load + 1)
        cost[cols] = coef
        limit = primary_until - time.perf_counter() if tolerance is not None else np.inf
        if name == "tie_break":  # first among plans covering the same targets: quick and good
            kept, began = cs[columns(x)[cs] > 0.5], time.perf_counter()
            solver.set_bounds(kept, 1.0, 1.0)
            values, _ = solver.solve(cost, start=columns(x))
            solver.set_bounds(kept, 0.0, 1.0)
            x = x if values is None else values[:n_p] > 0.5
        values, reports[name] = solver.solve(cost, maximize=maximize, start=columns(x),
                                             time_limit_s=limit)
        report = reports[name]
        if maximize and report.status != "optimal" and not np.isfinite(report.bound):
            # cut short before HiGHS proved a bound: every column at its upper bound is one
            bound = float(coef @ upper[cols])
            reports[name] = replace(report, bound=bound,
                                    mip_gap=relative_gap(report.objective, bound, maximize=True))
        if values is None:
            break
        x = values[:n_p] > 0.5
        if tolerance is not None:  # keep this stage's optimum while the next one works
            solver.add_row(cols, coef, float(coef @ columns(x)[cols]) - tolerance, np.inf)
    if "tie_break" in reports:
        reports["tie_break"] = replace(reports["tie_break"], runtime_s=time.perf_counter() - began)
    return x, reports


def greedy_start(cap, need, w, event, f, t, u) -> np.ndarray:
    """A plan to start the solver from, so a run cut short still sends formations: events first,
    then targets by demand per member needed; each takes its free eligible formations, largest
    first, until staffed. An event keeps a partial staffing; an ordinary target only a full one.

    Target 0 (5 per member needed, 2.5) goes first and takes formation 0; target 1 then has only
    formation 1 (2 of the 4 it needs) and, not being an event, is left:

    >>> greedy_start(np.array([3, 2]), np.array([2, 4]), np.array([5.0, 9.0]), np.array([False, False]),
    ...              np.array([0, 0, 1]), np.array([0, 1, 1]), np.array([2, 3, 2])).tolist()
    [True, False, False]
    """
    x, free = np.zeros(len(f), bool), np.ones(len(cap), bool)
    by_target = np.lexsort((-u, t))
    starts = np.searchsorted(t[by_target], np.arange(len(need) + 1))
    order = np.lexsort((np.arange(len(need)), -w / np.maximum(need, 1), ~event))
    for target in order:
        pairs = by_target[starts[target]:starts[target + 1]]
        pairs = pairs[free[f[pairs]]]
        sent = np.cumsum(u[pairs])
        enough = np.flatnonzero(sent >= need[target])
        if len(enough):
            pairs = pairs[: enough[0] + 1]
        elif not event[target]:
            continue
        x[pairs], free[f[pairs]] = True, False
    return x


def _model(cap, need, f, t, u, time_limit_s, mip_rel_gap):
    """Columns x (pairs), s, c (targets), L; rows as in ``plan_shift`` plus two valid cuts."""
    n_f, n_t, n_p = len(cap), len(need), len(f)
    xs, ss, cs, load = _layout(n_p, n_t)
    tr, fr = np.arange(n_t), np.arange(n_f)
    full = u >= need[t]  # f can staff t alone
    # rows: one target per formation; staffing; coverage; load; then two cuts: at most one formation
    # able to staff t alone goes there; covering t takes one such or at least m_t of the others
    rows = sparse.coo_array((
        np.r_[np.ones(n_p), -u, -u, u / cap[f], np.ones(n_t), need, -np.ones(n_f),
              np.ones(full.sum()), -np.where(full, 1.0, _partial_share(u, t, need, full)),
              np.ones(n_t)],
        (np.r_[f, n_f + t, n_f + n_t + t, n_f + 2 * n_t + f, n_f + tr, n_f + n_t + tr,
               n_f + 2 * n_t + fr, 2 * n_f + 2 * n_t + t[full], 2 * n_f + 3 * n_t + t,
               2 * n_f + 3 * n_t + tr],
         np.r_[xs, xs, xs, xs, ss, cs, np.full(n_f, load), xs[full], xs, cs])),
        shape=(2 * n_f + 4 * n_t, load + 1))
    coverable = np.bincount(t, u, n_t) >= need
    solver = MipSolver(cost=np.zeros(load + 1), lower=np.zeros(load + 1),
                       upper=np.r_[np.ones(n_p), need, coverable, 1.0],
                       integer=np.r_[np.ones(n_p), np.zeros(n_t), np.ones(n_t), 0] > 0,
                       rows=rows, row_lower=np.full(2 * n_f + 4 * n_t, -np.inf),
                       row_upper=np.r_[np.ones(n_f), np.zeros(2 * n_t + n_f), np.ones(n_t),
                                       np.zeros(n_t)],
                       time_limit_s=time_limit_s, mip_rel_gap=mip_rel_gap)
    return solver, coverable


def _layout(n_p, n_t):
    """Column indices of x (one per pair), s and c (one per target), and the load L."""
    return np.arange(n_p), n_p + np.arange(n_t), n_p + n_t + np.arange(n_t), n_p + 2 * n_t


def _partial_share(u, t, need, full):
    """1 / m_t for pairs whose formation cannot staff t alone, m_t the fewest such that can."""
    part = np.lexsort((-u, t))
    part, share = part[~full[part]], np.zeros(len(u))
    if not len(part):
        return share
    tp = t[part]
    starts = np.r_[0, np.flatnonzero(np.diff(tp)) + 1]
    sizes = np.diff(np.r_[starts, len(part)])
    total = np.cumsum(u[part])
    within = total - np.repeat(total[starts] - u[part][starts], sizes)
    rank = np.arange(len(part)) - np.repeat(starts, sizes)
    fewest = np.minimum.reduceat(np.where(within >= need[tp], rank + 1, len(part) + 1), starts)
    share[part] = np.repeat(np.where(fewest <= len(part), 1.0 / fewest, 0.0), sizes)
    return share


def _plan(cap, need, w, event, f, t, x, d, stages, started) -> ShiftPlan:
    n_t, u = len(need), np.minimum(cap[f], need[t])
    covered = np.bincount(t[x], u[x], n_t) >= need
    keep = np.flatnonzero(x & (covered[t] | event[t]))  # a stage cut short may leave strays
    staffed = np.minimum(need, np.bincount(t[keep], u[keep], n_t)).astype(int)
    assignments = []
    for target in np.unique(t[keep]):
        group = keep[t[keep] == target]
        share = staffed[target] * u[group] / u[group].sum()
        members = np.floor(share).astype(int)
        members[np.argsort(members - share)[: staffed[target] - members.sum()]] += 1
        assignments += [Assignment(int(f[p]), int(target), int(m), float(d[f[p], target]))
                        for p, m in zip(group, members, strict=True) if m > 0]
    n_eligible, eligible_members = np.bincount(t, minlength=n_t), np.bincount(t, cap[f], n_t)
    shortfalls = tuple(
        EventShortfall(int(e), int(need[e]), int(staffed[e]),
                       NO_ELIGIBLE_FORMATION if n_eligible[e] == 0 else
                       ELIGIBLE_FORMATIONS_TOO_SMALL if eligible_members[e] < need[e] else
                       FORMATIONS_NEEDED_ELSEWHERE, int(n_eligible[e]), int(eligible_members[e]))
        for e in np.flatnonzero(event & (staffed < need)))
    covered_demand = float(w[covered].sum())
    primary = [stages[k] for k in stages if k != "tie_break"]
    return ShiftPlan(
        assignments=tuple(sorted(assignments, key=lambda a: (a.formation, a.target))),
        covered_targets=tuple(int(i) for i in np.flatnonzero(covered)),
        uncovered_targets=tuple(int(i) for i in np.flatnonzero(~covered)),
        covered_demand=covered_demand, event_shortfalls=shortfalls,
        coverage_percent=100.0 * covered_demand / w.sum() if w.sum() > 0 else 100.0,
        status=next((r.status for r in primary if r.status != "optimal"), "optimal"),
        mip_gap=max((r.mip_gap for r in primary), default=0.0),
        tie_break_gap=stages["tie_break"].mip_gap if "tie_break" in stages else 0.0,
        runtime_s=time.perf_counter() - started, stages=stages)


def _inputs(members, need, weight, is_event, eligible, distance_m):
    cap, need, w = np.asarray(members), np.asarray(need), np.asarray(weight, float)
    event, ok = np.asarray(is_event, bool), np.asarray(eligible, bool)
    d = np.asarray(distance_m, float)
    n_f, n_t = cap.shape[0] if cap.ndim == 1 else -1, need.shape[0] if need.ndim == 1 else -1
    if min(n_f, n_t) < 0 or {w.shape, event.shape} != {(n_t,)} \
            or {ok.shape, d.shape} != {(n_f, n_t)}:
        raise InvalidInput(Message("planning.formation-members-target",
                                   N_("formation_members (F,), target_need, target_weight, target_is_event (T,), "
                                      "eligible and distance_m (F, T) do not agree in shape")))
    bad = [RowError(i + 1, "members", Message("planning.whole-number", N_("must be a whole number >= 0")))
           for i in np.flatnonzero((cap < 0) | (cap != np.round(cap)))]
    bad += [RowError(i + 1, "need", Message("planning.whole-number-2", N_("must be a whole number >= 1")))
            for i in np.flatnonzero((need < 1) | (need != np.round(need)))]
    bad += [RowError(i + 1, "weight", Message("planning.finite", N_("must be finite and >= 0")))
            for i in np.flatnonzero(~np.isfinite(w) | (w < 0))]
    bad += [RowError(i + 1, "distance_m", Message("planning.eligible-target-distance",
                                                  N_("eligible for target %(j)s at a distance that is not >= 0"),
                                                  j=j))
            for i, j in zip(*np.nonzero(ok & ~(d >= 0)), strict=True)]
    if bad:
        raise InvalidInput(Message("planning.shift-cannot-planned",
                                   N_("the shift cannot be planned from these inputs")), rows=bad)
    return cap.astype(np.int64), need.astype(np.int64), w, event, ok, d
