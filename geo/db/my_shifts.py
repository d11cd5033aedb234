"""What "My shifts" needs: a formation leader's (or an individual participant's own) assignments,
officers, members, acknowledgements."""
from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, func, select, update
from sqlalchemy.orm import Session

from .models import Assignment, AssignmentMember, Formation, Officer, Participant, PoliceUnit


def formation_name(session: Session, formation_id: int) -> str | None:
    return session.scalar(select(Formation.name).where(Formation.id == formation_id))


def participant_name(session: Session, participant_id: int) -> str | None:
    return session.scalar(select(Participant.full_name).where(Participant.id == participant_id))


def _held_by(formation_id: int | None, participant_id: int | None):
    """The assignments of the formation, or (without one) the participant's own item 6 tasks."""
    if formation_id is not None:
        return Assignment.formation_id == formation_id
    return Assignment.participant_id == participant_id


def assignment_ids(session: Session, formation_id: int | None, *, participant_id: int | None = None,
                   ended_before: datetime | None = None, ends_after: datetime | None = None,
                   limit: int | None = None) -> list[int]:
    """Ids of the formation's (or participant's own) assignments ending before/after a moment; past
    ones newest first."""
    ends = func.upper(Assignment.shift)
    stmt = select(Assignment.id).where(_held_by(formation_id, participant_id))
    if ended_before is not None:
        stmt = stmt.where(ends <= ended_before).order_by(ends.desc(), Assignment.id.desc())
    if ends_after is not None:
        stmt = stmt.where(ends > ends_after).order_by(Assignment.shift, Assignment.id)
    return list(session.scalars(stmt.limit(limit)))


def assignment_ids_of(session: Session, formation_id: int | None, ids: Sequence[int], *,
                      participant_id: int | None = None) -> list[int]:
    """Those of ``ids`` that are the formation's (or the participant's own) assignments."""
    return list(session.scalars(select(Assignment.id).where(_held_by(formation_id, participant_id),
                                                            Assignment.id.in_(list(ids)))
                                .order_by(Assignment.id)))


def officer_cards(session: Session, ids: Sequence[int]) -> dict[int, Row]:
    """Name, rank, unit and a phone (the officer's, else the unit's) of each officer."""
    stmt = (select(Officer.id, Officer.name, Officer.rank, PoliceUnit.name.label("unit"),
                   func.coalesce(Officer.phone, PoliceUnit.phone).label("phone"))
            .join(PoliceUnit, PoliceUnit.id == Officer.police_unit_id)
            .where(Officer.id.in_(list(ids))))
    return {r.id: r for r in session.execute(stmt)}


def members(session: Session, ids: Sequence[int]) -> dict[int, list[Row]]:
    """The participants on each assignment with their certificate, by name."""
    stmt = (select(AssignmentMember.assignment_id, Participant.id, Participant.full_name,
                   Participant.certificate_number, Participant.certificate_status)
            .join(Participant, Participant.id == AssignmentMember.participant_id)
            .where(AssignmentMember.assignment_id.in_(list(ids)))
            .order_by(Participant.full_name, Participant.id))
    out: dict[int, list[Row]] = defaultdict(list)
    for row in session.execute(stmt):
        out[row.assignment_id].append(row)
    return out


def lock_assignment(session: Session, assignment_id: int) -> Assignment | None:
    """The assignment, locked against concurrent changes for the rest of the transaction."""
    return session.scalar(select(Assignment).where(Assignment.id == assignment_id).with_for_update())


def acknowledge(session: Session, assignment_id: int, *, user_id: int | None, at: datetime) -> None:
    session.execute(update(Assignment).where(Assignment.id == assignment_id)
                    .values(acknowledged_at=at, acknowledged_by=user_id))
