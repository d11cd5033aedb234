"""One HiGHS model kept between solves: the MIP solver behind the location models and shift plans.

Built from sparse arrays in one call; solves within one time limit for all its stages, from a
start when given, and bounds its optimum by the LP relaxation when asked.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import highspy
import numpy as np
from scipy import sparse

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
        self._integer = np.flatnonzero(integer).astype(np.int32)

    def add_row(self, columns: np.ndarray, values: np.ndarray, lower: float, upper: float) -> None:
        """Add the constraint ``lower <= values @ x[columns] <= upper``."""
        idx = np.asarray(columns, np.int32)
        self._highs.addRows(1, np.array([lower], float), np.array([upper], float), len(idx),
                            np.array([0], np.int32), idx, np.asarray(values, float))

    def set_bounds(self, columns: np.ndarray, lower: float, upper: float) -> None:
        """Bound the given columns to ``[lower, upper]``."""
        idx = np.asarray(columns, np.int32)
        self._highs.changeColsBounds(len(idx), idx, np.full(len(idx), lower), np.full(len(idx), upper))

    def relaxation_bound(self, cost: np.ndarray, *, maximize: bool = False,
                         time_limit_s: float = np.inf) -> float:
        """The LP relaxation's optimum of ``cost @ x``, a bound on every integer solution's; NaN
        when HiGHS does not solve it within ``time_limit_s`` (and the solver's own time limit)."""
        h, began, n_int = self._highs, time.perf_counter(), len(self._integer)
        limit = min(self._deadline - began, time_limit_s)
        if limit <= 0:
            return np.nan
        h.changeColsCost(self.n_col, np.arange(self.n_col, dtype=np.int32), np.asarray(cost, float))
        h.changeObjectiveSense(highspy.ObjSense.kMaximize if maximize else highspy.ObjSense.kMinimize)
        h.setOptionValue("time_limit", limit)
        h.changeColsIntegrality(n_int, self._integer, np.full(n_int, 0, np.uint8))  # continuous
        try:
            h.run()
            solved = h.getModelStatus() == highspy.HighsModelStatus.kOptimal
            return float(h.getInfo().objective_function_value) if solved else np.nan
        finally:
            h.changeColsIntegrality(n_int, self._integer, np.full(n_int, 1, np.uint8))  # integer
            h.clearSolver()

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
        objective, bound = float(info.objective_function_value), float(info.mip_dual_bound)
        gap = 0.0 if status == "optimal" else relative_gap(objective, bound, maximize=maximize)
        return values, SolveReport(status, objective, gap, time.perf_counter() - began, bound)


def relative_gap(objective: float, bound: float, *, maximize: bool) -> float:
    """How far the plan found may be from the best possible, as a share in [0, 1]: for a minimum
    ``(objective - bound) / objective``, for a maximum ``(bound - objective) / bound``; ``inf``
    without a finite bound. (HiGHS's own ``mip_gap`` divides by the objective either way, so a
    maximum found far below its bound reads as a gap above 100 %.)

    >>> relative_gap(10.0, 40.0, maximize=True), relative_gap(40.0, 10.0, maximize=False)
    (0.75, 0.75)
    """
    if not (np.isfinite(objective) and np.isfinite(bound)):
        return np.inf
    top, low = (bound, objective) if maximize else (objective, bound)
    if top <= 0 or top - low <= 0:
        return 0.0 if top - low <= 1e-12 * max(1.0, abs(top)) else 1.0
    return float(min(1.0, max(0.0, (top - low) / top)))
