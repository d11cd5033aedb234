"""Queries and writes of presence on a shift: check-ins, consent, positions and their dosage
(``sql/presence_dosage.sql`` computes it in PostGIS)."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import Row, delete, exists, func, insert, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from .models import (Assignment, AssignmentDosage, AssignmentMember, Formation, LocationConsent, PresencePosition,
                     ShiftPresence)

DOSAGE = text((Path(__file__).with_name("sql") / "presence_dosage.sql").read_text(encoding="utf-8"))
LIVE = ("proposed", "confirmed")


def formation_leader(session: Session, formation_id: int | None) -> int | None:
    """The participant who leads the formation (``formation.leader_id``)."""
    if formation_id is None:
        return None
    return session.scalar(select(Formation.leader_id).where(Formation.id == formation_id))


def assignment_for_presence(session: Session, assignment_id: int, *, lock: bool = False) -> Row | None:
    """The assignment's holder, officer, shift and status (locked against concurrent changes on ``lock``)."""
    stmt = select(Assignment.id, Assignment.formation_id, Assignment.participant_id, Assignment.officer_id,
                  func.lower(Assignment.shift).label("starts_at"), func.upper(Assignment.shift).label("ends_at"),
                  Assignment.status).where(Assignment.id == assignment_id)
    if lock:
        stmt = stmt.with_for_update()
    return session.execute(stmt).first()


def on_assignment(session: Session, assignment: Row, participant_id: int) -> bool:
    """True when the participant holds the assignment: its individual participant, a member on it,
    or the leader of its formation."""
    if assignment.participant_id is not None:
        return assignment.participant_id == participant_id
    member = session.scalar(select(exists().where(AssignmentMember.assignment_id == assignment.id,
                                                  AssignmentMember.participant_id == participant_id)))
    return bool(member) or formation_leader(session, assignment.formation_id) == participant_id


def consent(session: Session, participant_id: int) -> LocationConsent | None:
    """The participant's consent record in force (the latest), if any."""
    return session.scalar(select(LocationConsent).where(LocationConsent.participant_id == participant_id)
                          .order_by(LocationConsent.at.desc(), LocationConsent.id.desc()).limit(1))


def record_consent(session: Session, *, participant_id: int, given: bool, user_id: int, at: datetime,
                   statement: str, retention_days: int) -> LocationConsent:
    row = LocationConsent(participant_id=participant_id, given=given, recorded_by=user_id, at=at,
                          statement=statement, retention_days=retention_days)
    session.add(row)
    session.flush()
    return row


def stop_tracking_everywhere(session: Session, participant_id: int) -> None:
    """Sending stops on every check-in of the participant (their consent was withdrawn)."""
    session.execute(update(ShiftPresence).where(ShiftPresence.participant_id == participant_id)
                    .values(tracking=False))


def presence(session: Session, assignment_id: int, participant_id: int, *, lock: bool = False) -> ShiftPresence | None:
    stmt = select(ShiftPresence).where(ShiftPresence.assignment_id == assignment_id,
                                       ShiftPresence.participant_id == participant_id)
    return session.scalar(stmt.with_for_update() if lock else stmt)


def presences(session: Session, assignment_ids: Sequence[int], participant_id: int) -> dict[int, ShiftPresence]:
    """The participant's check-ins on each of ``assignment_ids``."""
    rows = session.scalars(select(ShiftPresence).where(ShiftPresence.assignment_id.in_(list(assignment_ids)),
                                                       ShiftPresence.participant_id == participant_id))
    return {r.assignment_id: r for r in rows}


def check_in(session: Session, *, assignment_id: int, participant_id: int, at: datetime, user_id: int | None,
             tracking: bool) -> ShiftPresence:
    row = ShiftPresence(assignment_id=assignment_id, participant_id=participant_id, checked_in_at=at,
                        checked_in_by=user_id, tracking=tracking)
    session.add(row)
    session.flush()
    return row


def previous_position(session: Session, assignment_id: int, participant_id: int, lon: float, lat: float) -> Row | None:
    """The latest stored position of the participant on the assignment, and its distance (m, on the
    spheroid) from ``(lon, lat)``."""
    here = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    stmt = (select(PresencePosition.at,
                   func.ST_Distance(func.geography(PresencePosition.geom), func.geography(here)).label("distance_m"))
            .where(PresencePosition.assignment_id == assignment_id, PresencePosition.participant_id == participant_id)
            .order_by(PresencePosition.at.desc()).limit(1))
    return session.execute(stmt).first()


def add_position(session: Session, *, assignment_id: int, participant_id: int, at: datetime, lon: float, lat: float,
                 accuracy_m: float) -> int:
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    return session.scalar(insert(PresencePosition).values(
        assignment_id=assignment_id, participant_id=participant_id, at=at, geom=point, accuracy_m=accuracy_m)
        .returning(PresencePosition.id))


def positions(session: Session, assignment_id: int) -> list[Row]:
    """The stored positions of an assignment, per participant in time order (lon, lat, accuracy)."""
    stmt = (select(PresencePosition.id, PresencePosition.participant_id, PresencePosition.at,
                   func.ST_X(PresencePosition.geom).label("lon"), func.ST_Y(PresencePosition.geom).label("lat"),
                   PresencePosition.accuracy_m)
            .where(PresencePosition.assignment_id == assignment_id)
            .order_by(PresencePosition.participant_id, PresencePosition.at))
    return list(session.execute(stmt))


def check_ins(session: Session, assignment_id: int) -> list[Row]:
    """Every check-in on the assignment (who, in, out, sending)."""
    return list(session.execute(select(ShiftPresence.participant_id, ShiftPresence.checked_in_at,
                                       ShiftPresence.checked_out_at, ShiftPresence.tracking)
                                .where(ShiftPresence.assignment_id == assignment_id)
                                .order_by(ShiftPresence.checked_in_at)))


def live_dosage(session: Session, ids: Sequence[int], *, now: datetime, gap_s: float, tolerance_m: float,
                place_radius_m: float, grace_s: float) -> dict[int, Row]:
    """The dosage of each assignment from the positions and check-ins stored now."""
    if not ids:
        return {}
    rows = session.execute(DOSAGE, {"ids": list(ids), "now": now, "gap_s": gap_s, "tolerance_m": tolerance_m,
                                    "place_radius_m": place_radius_m, "grace_s": grace_s})
    return {r.assignment_id: r for r in rows}


def stored_dosage(session: Session, ids: Sequence[int]) -> dict[int, AssignmentDosage]:
    """The figures assignments' positions were reduced to (by ``kuzet db prune``)."""
    if not ids:
        return {}
    return {d.assignment_id: d for d in session.scalars(select(AssignmentDosage)
                                                        .where(AssignmentDosage.assignment_id.in_(list(ids))))}


def assignments_with_positions_before(session: Session, cutoff: datetime) -> list[int]:
    return list(session.scalars(select(PresencePosition.assignment_id).where(PresencePosition.at < cutoff)
                                .distinct().order_by(PresencePosition.assignment_id)))


def keep_dosage(session: Session, rows: Sequence[Row], at: datetime) -> int:
    """Store the reduced figures; an assignment reduced before keeps its first figures (idempotent:
    they were computed from all its positions). How many were stored now."""
    if not rows:
        return 0
    values = [{"assignment_id": r.assignment_id, "minutes_inside": float(r.minutes_inside), "visits": int(r.visits),
               "route_share": None if r.route_share is None else float(r.route_share),
               "minutes_checked_in": float(r.minutes_checked_in), "positions": int(r.positions), "reduced_at": at}
              for r in rows]
    stmt = (pg_insert(AssignmentDosage).values(values).on_conflict_do_nothing(index_elements=["assignment_id"])
            .returning(AssignmentDosage.assignment_id))
    return len(session.execute(stmt).all())


def drop_positions_before(session: Session, cutoff: datetime) -> int:
    return session.execute(delete(PresencePosition).where(PresencePosition.at < cutoff)).rowcount
