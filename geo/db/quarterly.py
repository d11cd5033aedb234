"""The numbers of the quarterly activity summary: per formation, confirmed shifts and their hours within a
period, and field reports by category."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import Row, cast, func, select
from sqlalchemy.dialects.postgresql import TSTZRANGE
from sqlalchemy.orm import Session

from ..visibility import Scope
from . import scopes
from .assignments import _target_columns
from .dispatch import TARGET_MODELS
from .models import Assignment, FieldReport, Formation


def formations(session: Session, scope: Scope) -> list[Row]:
    """The formations ``scope`` may count: a leader's own, those notified to a supervisor's unit."""
    stmt = select(Formation.id, Formation.name).where(scopes.notified_formation_visible(scope))
    return list(session.execute(stmt.order_by(Formation.name, Formation.id)))


def duty(session: Session, formation_ids: list[int], *, start: datetime, end: datetime) -> dict[int, tuple[int, float]]:
    """Per formation: confirmed assignments whose shift overlaps ``[start, end)`` and the hours of those
    shifts that fall within it."""
    period = cast(func.tstzrange(start, end, "[)"), TSTZRANGE)
    clipped = Assignment.shift.op("*")(period)
    seconds = func.extract("epoch", func.upper(clipped) - func.lower(clipped))
    stmt = (select(Assignment.formation_id, func.count().label("assignments"),
                   func.coalesce(func.sum(seconds), 0).label("seconds"))
            .where(Assignment.formation_id.in_(formation_ids), Assignment.status == "confirmed",
                   Assignment.shift.op("&&")(period))
            .group_by(Assignment.formation_id))
    return {r.formation_id: (int(r.assignments), float(r.seconds) / 3600.0) for r in session.execute(stmt)}


def reports(session: Session, formation_ids: list[int], *, start: datetime,
            end: datetime) -> dict[int, dict[str, int]]:
    """Per formation and category: reports of things observed within ``[start, end)``."""
    stmt = (select(FieldReport.formation_id, FieldReport.category, func.count().label("n"))
            .where(FieldReport.formation_id.in_(formation_ids), FieldReport.observed_at >= start,
                   FieldReport.observed_at < end)
            .group_by(FieldReport.formation_id, FieldReport.category))
    out: dict[int, dict[str, int]] = {}
    for r in session.execute(stmt):
        out.setdefault(r.formation_id, {})[r.category] = int(r.n)
    return out


def assignments_by_target(session: Session, formation_ids: list[int], *, start: datetime, end: datetime,
                          locale: str | None = None) -> list[Row]:
    """The formations' confirmed assignments whose shift overlaps ``[start, end)``, with their target
    (kind, id, name), by target name."""
    if not formation_ids:
        return []
    kind, target_id, name, _geom = _target_columns(locale)
    period = cast(func.tstzrange(start, end, "[)"), TSTZRANGE)
    stmt = (select(Assignment.id, kind, target_id, name)
            .where(Assignment.formation_id.in_(formation_ids), Assignment.status == "confirmed",
                   Assignment.shift.op("&&")(period)))
    for model_kind, model in TARGET_MODELS.items():
        stmt = stmt.outerjoin(model, model.id == getattr(Assignment, f"{model_kind}_id"))
    return list(session.execute(stmt.order_by(name, Assignment.id)))
