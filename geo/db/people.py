"""Bulk writes of people: officers, duty periods, participants and their membership."""
from __future__ import annotations

from sqlalchemy import delete, insert, update
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from .models import Assignment, AssignmentMember, FieldReport, Formation, FormationMember, Officer, OfficerDuty, Participant, UserAccount

PARTICIPANT_COLUMNS = ("full_name", "birth_date", "iin", "registration_status", "applied_on", "registered_on",
                       "certificate_number", "certificate_status", "legal_training_on", "briefing_on",
                       "participation_form")


def add_officers(session: Session, rows: list[dict]) -> list[int]:
    """Store officers; their ids in the order given."""
    return list(session.scalars(insert(Officer).returning(Officer.id, sort_by_parameter_order=True), rows))


def add_duty(session: Session, rows: list[dict]) -> int:
    """Store duty periods (``officer_id``, ``start``, ``end``) as half-open ranges."""
    if rows:
        session.execute(insert(OfficerDuty), [
            {"officer_id": r["officer_id"], "period": Range(r["start"], r["end"], bounds="[)")} for r in rows])
    return len(rows)


def add_participants(session: Session, rows: list[dict]) -> list[int]:
    """Store participants (of no formation yet); their ids in the order given."""
    if not rows:
        return []
    return list(session.scalars(insert(Participant).returning(Participant.id, sort_by_parameter_order=True),
                                [{k: r.get(k, "member" if k == "participation_form" else None)
                                  for k in PARTICIPANT_COLUMNS} for r in rows]))


def add_members(session: Session, rows: list[dict]) -> int:
    """Store participants, their membership, and each formation's leader (rows flagged ``leader``)."""
    if not rows:
        return 0
    ids = add_participants(session, rows)
    session.execute(insert(FormationMember), [
        {"formation_id": r["formation_id"], "participant_id": pid, "joined_on": r["joined_on"]}
        for r, pid in zip(rows, ids)])
    for r, pid in zip(rows, ids):
        if r.get("leader"):
            session.execute(update(Formation).where(Formation.id == r["formation_id"]).values(leader_id=pid))
    return len(rows)


def clear_people(session: Session) -> None:
    """Delete every officer, duty period, participant and membership (before the layers they name),
    with the assignments, accounts and field reports tied to them."""
    session.execute(delete(FieldReport))
    session.execute(delete(AssignmentMember))
    session.execute(delete(Assignment))
    session.execute(delete(UserAccount).where((UserAccount.officer_id.is_not(None))
                                              | (UserAccount.formation_id.is_not(None))
                                              | (UserAccount.participant_id.is_not(None))))
    session.execute(update(Formation).values(leader_id=None))
    for model in (FormationMember, OfficerDuty, Officer, Participant):
        session.execute(delete(model))
