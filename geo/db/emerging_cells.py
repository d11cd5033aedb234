"""An emerging hot spot run's cells: pattern, trends and series per cell, COPied beside ``analysis_cell``."""
from __future__ import annotations

import math

import numpy as np
import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .layer_writes import copy_rows
from .models import AnalysisCell, EmergingCell

TREND_COLUMNS = ("count_trend_z", "count_trend_p", "z_trend_z", "z_trend_p")
SERIES_COLUMNS = ("counts", "z", "p")


def _array(values) -> str:
    """A float8[] literal; NaN (an island's z) is NULL."""
    return "{" + ",".join("NULL" if math.isnan(v) else repr(float(v)) for v in values) + "}"


def _number(value: float):
    return None if value is None or math.isnan(value) else float(value)


def copy_emerging(session: Session, run_id: int, cell_ids, patterns, trends: dict, series: dict) -> int:
    """COPY one row per cell: ``patterns`` (names), ``trends`` (:data:`TREND_COLUMNS` → arrays per
    cell) and ``series`` (:data:`SERIES_COLUMNS` → ``cells × steps`` arrays), in the caller's transaction."""
    n = len(cell_ids)
    columns = {"run_id": [run_id] * n, "cell_id": [int(c) for c in cell_ids], "pattern": list(patterns),
               **{name: [_number(v) for v in np.asarray(trends[name], dtype=float)] for name in TREND_COLUMNS},
               **{name: [_array(row) for row in np.asarray(series[name], dtype=float)] for name in SERIES_COLUMNS}}
    return copy_rows(session, "emerging_cell", columns, count=n)


def emerging_frame(session: Session, run_id: int) -> pd.DataFrame:
    """Every cell of a run (by ``cell_id``): pattern, trends and series (lists)."""
    e = EmergingCell
    rows = session.execute(select(e.cell_id, e.pattern, *[getattr(e, c) for c in TREND_COLUMNS + SERIES_COLUMNS])
                           .where(e.run_id == run_id).order_by(e.cell_id)).all()
    return pd.DataFrame(rows, columns=["cell_id", "pattern", *TREND_COLUMNS, *SERIES_COLUMNS])


def emerging_cell(session: Session, run_id: int, cell_id: int):
    """One cell's row (with its total count and centre lon/lat), or None."""
    e, a = EmergingCell, AnalysisCell
    centre = func.ST_PointOnSurface(a.geom)
    return session.execute(
        select(e.cell_id, e.pattern, *[getattr(e, c) for c in TREND_COLUMNS + SERIES_COLUMNS], a.count,
               func.ST_X(centre).label("lon"), func.ST_Y(centre).label("lat"))
        .join(a, (a.run_id == e.run_id) & (a.cell_id == e.cell_id))
        .where(e.run_id == run_id, e.cell_id == cell_id)).one_or_none()


def pattern_tally(session: Session, run_id: int) -> dict[str, int]:
    """How many cells of a run have each pattern."""
    e = EmergingCell
    rows = session.execute(select(e.pattern, func.count()).where(e.run_id == run_id).group_by(e.pattern))
    return {pattern: int(n) for pattern, n in rows}
