"""A space–time cube in PostGIS: the selection's incidents counted per grid cell and per time step.

Cells are keyed as ``geo.db.aggregate.grid_keys`` keys them (the same square or hexagon arithmetic on
the same coordinates), and steps are the local calendar's: ``date_trunc('day' | 'week' | 'month',
occurred_at AT TIME ZONE tz)`` (a week starts on Monday, ISO 8601). Only (row, col, step, count)
groups reach Python.
"""
from __future__ import annotations

import numpy as np
from sqlalchemy import BigInteger, cast, extract, func, literal, select
from sqlalchemy.orm import Session
from sqlalchemy.types import Text

from .aggregate import (GRID_WORK_MEM, SelectionFilter, _columns, _float, _hashed, _hexagon_keys, _metric, _no_jit,
                        selected)

TIME_STEPS = ("day", "week", "month")


def step_start(occurred_at, *, step: str, timezone: str):
    """The local start of the step holding ``occurred_at`` (a timestamp without time zone)."""
    local = func.timezone(literal(timezone, Text), occurred_at)
    return func.date_trunc(literal(step, Text), local)


def cube_keys(session: Session, f: SelectionFilter, *, srid: int, cell_size_m: float, shape: str,
              step: str, origin: tuple[float, float] = (0.0, 0.0)) -> dict[str, np.ndarray]:
    """Per (grid cell, time step) holding a selected incident: ``row``, ``col``, ``step`` (the step's
    local start as seconds since 1970-01-01 00:00 of the local calendar) and ``count``."""
    if step not in TIME_STEPS:
        raise ValueError(step)
    _no_jit(session)
    m = _metric(f, srid, carry=("occurred_at",))
    x = m.c.x - _float(origin[0], "ox")
    y = m.c.y - _float(origin[1], "oy")
    if shape == "square":
        size = _float(cell_size_m, "size")
        keyed = select(cast(func.floor(y / size), BigInteger).label("row"),
                       cast(func.floor(x / size), BigInteger).label("col"), m.c.occurred_at).subquery("keyed")
    else:
        keyed = _hexagon_keys(m, x, y, cell_size_m, carry=("occurred_at",))
    start = cast(extract("epoch", step_start(keyed.c.occurred_at, step=step, timezone=f.timezone)), BigInteger)
    stmt = (select(keyed.c.row, keyed.c.col, start.label("step"), func.count().label("count"))
            .group_by(keyed.c.row, keyed.c.col, start))
    with _hashed(session, GRID_WORK_MEM):
        row, col, steps, count = _columns(session, stmt, (np.int64, np.int64, np.int64, np.int64))
    return {"row": row, "col": col, "step": steps, "count": count}


def local_step_bounds(session: Session, f: SelectionFilter, *, step: str) -> tuple[int, int] | None:
    """The first and last step (local starts, seconds as :func:`cube_keys` gives them) holding a
    selected incident; None when none is selected."""
    s = selected(f)
    start = cast(extract("epoch", step_start(s.c.occurred_at, step=step, timezone=f.timezone)), BigInteger)
    row = session.execute(select(func.min(start), func.max(start))).one()
    return None if row[0] is None else (int(row[0]), int(row[1]))


def local_start(session: Session, moment, *, step: str, timezone: str) -> int:
    """The local start of the step holding the instant ``moment`` (seconds as :func:`cube_keys`)."""
    value = step_start(literal(moment), step=step, timezone=timezone)
    return int(session.scalar(select(cast(extract("epoch", value), BigInteger))))
