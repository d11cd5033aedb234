"""The audit log: who changed what, when, before and after (append-only in the database)."""
from __future__ import annotations

from sqlalchemy.orm import Session

from ...access import Principal
from ...db import accounts as q


def record(session: Session, actor: Principal, action: str, entity: str, entity_id: int | None,
           before: dict | None, after: dict | None) -> None:
    """Append one entry; called by every service that changes assignments, formations, users, reports."""
    q.add_audit(session, user_id=actor.user_id, actor=actor.actor, action=action, entity=entity,
                entity_id=entity_id, before=_json(before), after=_json(after))


def _json(value):
    if value is None:
        return None
    if isinstance(value, dict):
        return {k: _json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json(v) for v in value]
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value
