"""Officers on duty and eligible members for a demo database that has none (older demos had no people).

Mirrors what ``geo.demo`` stores: per police unit two active officers on back-to-back 08:00–08:00
duty from yesterday to two weeks ahead (Asia/Almaty), and five registered, certified, trained
adults in every formation. Does nothing when any officer is already stored.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from geo.db.models import Formation, FormationMember, Officer, OfficerDuty, Participant, PoliceUnit

ALMATY = ZoneInfo("Asia/Almaty")


def ensure_people(session: Session, *, today: date | None = None) -> bool:
    """Add officers, duty and members unless officers exist; True when it added them."""
    if session.scalar(select(func.count()).select_from(Officer)):
        return False
    today = today or datetime.now(ALMATY).date()
    serial = 0
    for unit_id in session.scalars(select(PoliceUnit.id).order_by(PoliceUnit.id)):
        for k in range(2):
            officer = Officer(name=f"Officer {unit_id}-{k + 1}", rank="captain of police", police_unit_id=unit_id,
                              active=True)
            session.add(officer)
            session.flush()
            for offset in range(-1, 15):
                start = datetime.combine(today + timedelta(days=offset), time(8), ALMATY)
                session.add(OfficerDuty(officer_id=officer.id, period=Range(start, start + timedelta(days=1))))
    for formation_id in session.scalars(select(Formation.id).order_by(Formation.id)):
        for k in range(5):
            serial += 1
            person = Participant(full_name=f"Member {formation_id}-{k + 1}", birth_date=date(1990, 1, 1 + k),
                                 registration_status="registered", certificate_number=f"T-{serial:05d}",
                                 certificate_status="issued", legal_training_on=today - timedelta(days=90))
            session.add(person)
            session.flush()
            session.add(FormationMember(formation_id=formation_id, participant_id=person.id,
                                        joined_on=today - timedelta(days=60)))
    session.flush()
    return True
