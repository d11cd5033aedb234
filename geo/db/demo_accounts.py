"""Lookups the demo accounts need."""
from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ..errors import InvalidInput
from ..messages import N_, Message
from .models import Formation, Officer, Participant, PatrolZone, UserAccount


def first_active_officer_of_zone(session: Session, zone_name: str) -> Officer:
    officer = session.scalar(select(Officer).join(PatrolZone, PatrolZone.police_unit_id == Officer.police_unit_id)
                             .where(PatrolZone.name == zone_name, Officer.active).order_by(Officer.id).limit(1))
    if officer is None:
        raise InvalidInput(Message("demo_accounts.no-active-officer-demo",
                                   N_("no active officer for the demo zone %(zone_name)r"),
                                   zone_name=zone_name))
    return officer


def formation_id(session: Session, name: str) -> int:
    found = session.scalar(select(Formation.id).where(Formation.name == name))
    if found is None:
        raise InvalidInput(Message("demo_accounts.no-demo-formation", N_("no demo formation %(name)r"), name=name))
    return found


def first_individual_participant(session: Session) -> Participant:
    """The first participant (by id) who recorded the individual form and is registered and trained."""
    found = session.scalar(select(Participant).where(Participant.participation_form == "individual",
                                                     Participant.registration_status == "registered",
                                                     Participant.legal_training_on.is_not(None))
                           .order_by(Participant.id).limit(1))
    if found is None:
        raise InvalidInput(Message("demo_accounts.no-individual", N_("no individual participant in the demo")))
    return found


def drop_accounts(session: Session, logins: list[str]) -> None:
    """Delete accounts by login (the demo's, before it makes them again)."""
    session.execute(delete(UserAccount).where(UserAccount.login.in_(logins)))
