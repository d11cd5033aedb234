"""Reading the audit log with filters, and limiting it to what lies in a police unit's jurisdiction."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, false, or_, select, true
from sqlalchemy.orm import Session

from .models import Assignment, AuditLog, FieldReport
from .reports import in_jurisdiction
from .scopes import assignment_in_unit


def assignments_in_jurisdiction(unit_id: int):
    """SELECT of the assignments whose target lies in the unit's jurisdiction (the dispatch rule's test)."""
    return select(Assignment.id).where(assignment_in_unit(unit_id))


def reports_in_jurisdiction(unit_id: int):
    return select(FieldReport.id).where(in_jurisdiction(unit_id, FieldReport.geom))


def about_unit(unit_id: int | None) -> ColumnElement[bool]:
    """Entries about assignments and reports in the unit's jurisdiction (None: every entry)."""
    if unit_id is None:
        return true()
    return or_(and_(AuditLog.entity == "assignment", AuditLog.entity_id.in_(assignments_in_jurisdiction(unit_id))),
               and_(AuditLog.entity == "field_report", AuditLog.entity_id.in_(reports_in_jurisdiction(unit_id))))


def entries(session: Session, *, everything: bool, unit_id: int | None, entity: str | None = None,
            since: datetime | None = None, until: datetime | None = None, limit: int = 200,
            offset: int = 0) -> list[AuditLog]:
    """Entries newest first: every entry when ``everything``, else those about ``unit_id``'s jurisdiction."""
    scope = true() if everything else (about_unit(unit_id) if unit_id is not None else false())
    stmt = select(AuditLog).where(scope)
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if since is not None:
        stmt = stmt.where(AuditLog.at >= since)
    if until is not None:
        stmt = stmt.where(AuditLog.at < until)
    return list(session.scalars(stmt.order_by(AuditLog.id.desc()).limit(limit).offset(offset)))


def entities(session: Session) -> list[str]:
    """The kinds of thing the log speaks about, for a filter."""
    return list(session.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity)))
