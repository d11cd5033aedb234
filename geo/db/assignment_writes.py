"""Writes of assignments: the assignment, its members and its append-only history."""
from __future__ import annotations

from sqlalchemy import delete, func, insert, select
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from ..domain import AssignmentFacts, HomeAreaOverride
from .models import Assignment, AssignmentHistory, AssignmentMember

SNAPSHOT = ("formation_id", "participant_id", "patrol_zone_id", "public_place_id", "event_id", "pasture_id", "crop_field_id",
            "campus_id", "emergency_area_id", "regime", "activity", "officer_id", "status", "status_reason",
            "override_officer_id", "override_reason")


def snapshot(session: Session, a: Assignment) -> dict:
    """The assignment as the history stores it (JSON)."""
    data = {k: getattr(a, k) for k in SNAPSHOT}
    data["shift"] = [a.shift.lower.isoformat(), a.shift.upper.isoformat()]
    data["members"] = list(member_ids(session, a.id)) if a.id else []
    return data


def member_ids(session: Session, assignment_id: int) -> tuple[int, ...]:
    return tuple(session.scalars(select(AssignmentMember.participant_id)
                                 .where(AssignmentMember.assignment_id == assignment_id)
                                 .order_by(AssignmentMember.participant_id)))


def _apply(a: Assignment, facts: AssignmentFacts, override: HomeAreaOverride | None) -> None:
    for table in ("patrol_zone", "public_place", "event", "pasture", "crop_field", "campus", "emergency_area"):
        setattr(a, f"{table}_id", facts.target.id if facts.target.kind == table else None)
    # The assignee is a formation or a lone participant (item 6), never both (CHECK one_assignee).
    a.formation_id = facts.formation.id if facts.formation.is_collective else None
    a.participant_id = None if facts.formation.is_collective else facts.formation.id
    a.activity = facts.activity_code
    a.shift = Range(facts.shift.start, facts.shift.end, bounds="[)")
    a.officer_id = facts.officer.id if facts.officer else None
    a.override_officer_id = override.officer_id if override else None
    a.override_reason = override.reason if override else None


def _set_members(session: Session, assignment_id: int, facts: AssignmentFacts) -> None:
    session.execute(delete(AssignmentMember).where(AssignmentMember.assignment_id == assignment_id))
    if facts.members:
        session.execute(insert(AssignmentMember), [
            {"assignment_id": assignment_id, "participant_id": m.id} for m in facts.members])


def _history(session: Session, a: Assignment, *, actor: str, action: str, before: dict | None) -> None:
    session.add(AssignmentHistory(assignment_id=a.id, actor=actor, action=action, before=before,
                                  after=snapshot(session, a)))


def insert_assignment(session: Session, facts: AssignmentFacts, *, regime: str, actor: str,
                      override: HomeAreaOverride | None, request_key: str | None = None) -> Assignment:
    """Store a proposed assignment in a savepoint: a refused insert leaves the session usable."""
    with session.begin_nested():
        a = Assignment(regime=regime, status="proposed", created_by=actor, request_key=request_key)
        _apply(a, facts, override)
        session.add(a)
        session.flush()
        _set_members(session, a.id, facts)
        _history(session, a, actor=actor, action="create", before=None)
        session.flush()
    return a


def update_assignment(session: Session, a: Assignment, facts: AssignmentFacts, *, actor: str,
                      action: str = "update", status: str | None = None) -> Assignment:
    """Store new values of ``a`` (and ``status`` when given) in a savepoint, with a history row."""
    before = snapshot(session, a)
    with session.begin_nested():
        _apply(a, facts, facts.override)
        if status is not None:
            a.status = status
        a.updated_at = func.now()
        session.flush()
        _set_members(session, a.id, facts)
        _history(session, a, actor=actor, action=action, before=before)
        session.flush()
    return a


def set_status(session: Session, a: Assignment, status: str, *, actor: str, reason: str | None,
               action: str | None = None) -> Assignment:
    """Change the status in a savepoint (a refused change leaves the session usable); the history
    row's action is the status unless ``action`` is given (``undo``)."""
    before = snapshot(session, a)
    with session.begin_nested():
        a.status = status
        a.status_reason = reason
        a.updated_at = func.now()
        session.flush()
        _history(session, a, actor=actor, action=action or status, before=before)
        session.flush()
    return a


def latest_history_id(session: Session, assignment_id: int) -> int | None:
    """The id of the assignment's latest history row (who acted on it last)."""
    return session.scalar(select(func.max(AssignmentHistory.id))
                          .where(AssignmentHistory.assignment_id == assignment_id))


def assignment_of_request(session: Session, actor: str, request_key: str) -> int | None:
    """The id of the assignment ``actor`` proposed with ``request_key``, if any."""
    return session.scalar(select(Assignment.id).where(Assignment.created_by == actor,
                                                      Assignment.request_key == request_key))
