"""The audit log: who changed what, when, before and after (append-only in the database), written by
every service that changes something and read by admins and supervisors with filters.

Admins read every entry. A supervisor reads the entries about assignments whose target lies in
their unit's jurisdiction and about field reports placed there (``geo.visibility.audit_scope``);
that is the same jurisdiction rule the supervisor's pages follow.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ...access import Principal, require
from ...db import audit as q
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import InvalidInput
from ...messages import N_, Message
from ...visibility import audit_scope


def record(session: Session, actor: Principal, action: str, entity: str, entity_id: int | None,
           before: dict | None, after: dict | None) -> None:
    """Append one entry; called by every service that changes assignments, formations, users, reports."""
    q.add_entry(session, user_id=actor.user_id, actor=actor.actor, action=action, entity=entity,
                entity_id=entity_id, before=_json(before), after=_json(after))


def audit_trail(session: Session, viewer: Principal, *, entity: str | None = None, first_day: date | None = None,
                last_day: date | None = None, limit: int = 200, offset: int = 0,
                timezone_name: str = DEFAULT_TIMEZONE) -> list[dict]:
    """Entries ``viewer`` may read, newest first, optionally about one ``entity`` kind and within
    ``first_day``..``last_day`` (local days, both included).

    Examples
    --------
    >>> audit_trail(session, admin, entity="field_report", first_day=date(2026, 12, 1))  # doctest: +SKIP
    [{'id': 41, 'at': '2026-12-05T19:02:11+05:00', 'actor': 'samal.leader', 'action': 'create', ...}]
    """
    require(viewer, Role.ADMIN, Role.SUPERVISOR)
    if first_day and last_day and last_day < first_day:
        raise InvalidInput(Message("audit.first-day-not-after", N_("the first day must not be after the last day")))
    if not 1 <= limit <= 1000 or offset < 0:
        raise InvalidInput(Message("audit.limit-offset-not-negative",
                                   N_("limit is 1..1000 and offset is not negative")))
    tz = ZoneInfo(timezone_name)
    since = datetime.combine(first_day, time(), tz) if first_day else None
    until = datetime.combine(last_day + timedelta(days=1), time(), tz) if last_day else None
    rows = q.entries(session, audit_scope(viewer), entity=entity or None, since=since, until=until, limit=limit,
                     offset=offset)
    return [{"id": e.id, "at": e.at.astimezone(tz).isoformat(), "actor": e.actor, "action": e.action,
             "entity": e.entity, "entity_id": e.entity_id, "before": e.before, "after": e.after} for e in rows]


def audit_entities(session: Session, viewer: Principal) -> list[str]:
    """The entity kinds to filter by (admins: all in the log; supervisors: assignments and reports)."""
    require(viewer, Role.ADMIN, Role.SUPERVISOR)
    return q.entities(session, audit_scope(viewer))


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
