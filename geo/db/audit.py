"""The audit log: appending an entry, and reading entries with filters within a viewer's scope
(``geo.db.scopes.audit_visible``). The table is append-only in the database."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from ..visibility import Scope
from . import scopes
from .models import AuditLog


def add_entry(session: Session, **values) -> None:
    """Append one entry (``user_id``, ``actor``, ``action``, ``entity``, ``entity_id``, ``before``, ``after``)."""
    session.execute(insert(AuditLog).values(**values))


def entries(session: Session, scope: Scope, *, entity: str | None = None, since: datetime | None = None,
            until: datetime | None = None, limit: int = 200, offset: int = 0) -> list[AuditLog]:
    """Entries ``scope`` admits, newest first (``geo.db.scopes.audit_visible``)."""
    stmt = select(AuditLog).where(scopes.audit_visible(scope))
    if entity:
        stmt = stmt.where(AuditLog.entity == entity)
    if since is not None:
        stmt = stmt.where(AuditLog.at >= since)
    if until is not None:
        stmt = stmt.where(AuditLog.at < until)
    return list(session.scalars(stmt.order_by(AuditLog.id.desc()).limit(limit).offset(offset)))


def entities(session: Session, scope: Scope) -> list[str]:
    """The kinds of thing the entries ``scope`` admits speak about, for a filter (all in the log for
    every entry; a unit's, assignments and field reports)."""
    if not scope.everything:
        return list(scopes.UNIT_AUDIT_ENTITIES)
    return list(session.scalars(select(AuditLog.entity).distinct().order_by(AuditLog.entity)))
