"""What a supervisor reads beside each proposal before signing off: the other live assignments at
its target in overlapping shifts, the officer's load at that time, and the members with their
certificates. Each query answers for many assignments at once (one round trip per fact)."""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, and_, func, or_, select
from sqlalchemy.orm import Session, aliased

from .dispatch import LIVE, TARGET_MODELS
from .models import Assignment, AssignmentMember, Formation, Officer, Participant


def _same_target(a, b):
    """``a`` and ``b`` name the same target (one target column is set on each)."""
    return or_(*[and_(getattr(a, f"{kind}_id").is_not(None), getattr(a, f"{kind}_id") == getattr(b, f"{kind}_id"))
                 for kind in TARGET_MODELS])


def others_at_target(session: Session, assignment_ids: Sequence[int]) -> list[Row]:
    """Per assignment of ``assignment_ids`` (``for_id``): every other live assignment at the same
    target whose shift overlaps its shift, with its formation (or participant), officer, status and
    times, by start."""
    a, b = aliased(Assignment), aliased(Assignment)
    stmt = (select(a.id.label("for_id"), b.id, b.formation_id, Formation.name.label("formation_name"),
                   b.participant_id, Participant.full_name.label("participant_name"), b.status,
                   func.lower(b.shift).label("starts_at"), func.upper(b.shift).label("ends_at"),
                   b.officer_id, Officer.name.label("officer_name"))
            .join(b, and_(b.id != a.id, _same_target(a, b), b.status.in_(LIVE), b.shift.op("&&")(a.shift)))
            .outerjoin(Formation, Formation.id == b.formation_id)
            .outerjoin(Participant, Participant.id == b.participant_id)
            .outerjoin(Officer, Officer.id == b.officer_id)
            .where(a.id.in_(list(assignment_ids)))
            .order_by(a.id, b.shift, b.id))
    return list(session.execute(stmt))


def officer_loads(session: Session, assignment_ids: Sequence[int]) -> dict[int, int]:
    """Per assignment with an officer: how many formations that officer supervises in live
    assignments overlapping its shift, its own formation included (as ``officer_load`` counts the
    others for the rule ``no-double-booking``)."""
    a, b = aliased(Assignment), aliased(Assignment)
    stmt = (select(a.id, func.count(func.distinct(b.formation_id)))
            .join(b, and_(b.officer_id == a.officer_id, b.status.in_(LIVE), b.shift.op("&&")(a.shift)))
            .where(a.id.in_(list(assignment_ids)), a.officer_id.is_not(None))
            .group_by(a.id))
    return {assignment_id: int(n) for assignment_id, n in session.execute(stmt)}


def members_of(session: Session, assignment_ids: Sequence[int]) -> list[Row]:
    """The participants on each assignment (``assignment_id``) with their registration and
    certificate (number and status), by name."""
    stmt = (select(AssignmentMember.assignment_id, Participant.id, Participant.full_name,
                   Participant.registration_status, Participant.certificate_number,
                   Participant.certificate_status)
            .join(Participant, Participant.id == AssignmentMember.participant_id)
            .where(AssignmentMember.assignment_id.in_(list(assignment_ids)))
            .order_by(AssignmentMember.assignment_id, Participant.full_name, Participant.id))
    return list(session.execute(stmt))


def proposals(session: Session, assignment_ids: Sequence[int]) -> list[Assignment]:
    """The assignments themselves, as the rules' facts are built from them."""
    return list(session.scalars(select(Assignment).where(Assignment.id.in_(list(assignment_ids)))))
