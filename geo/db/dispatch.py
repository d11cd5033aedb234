"""The queries behind dispatch: the facts the rules need, computed once by PostGIS."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from pathlib import Path

from sqlalchemy import Text, cast, func, literal, select, text, union_all
from sqlalchemy.dialects.postgresql import TSTZRANGE, Range
from sqlalchemy.orm import Session

from ..domain import Period
from .names import localised_name
from .models import (Assignment, Campus, CropField, EmergencyArea, Event, Formation, FormationMember,
                     Officer, OfficerDuty, Participant, Pasture, PatrolZone, PoliceUnit, PublicPlace)

TARGET_MODELS = {"patrol_zone": PatrolZone, "public_place": PublicPlace, "event": Event, "pasture": Pasture,
                 "crop_field": CropField, "campus": Campus, "emergency_area": EmergencyArea}
LIVE = ("proposed", "confirmed")
HOME_AREA_REACH = text((Path(__file__).with_name("sql") / "home_area_reach.sql").read_text(encoding="utf-8"))


def shift_range(period: Period):
    """A ``tstzrange`` literal for a period, half-open like every stored shift."""
    return cast(func.tstzrange(period.start, period.end, "[)"), TSTZRANGE)


def as_period(value: Range) -> Period:
    return Period(value.lower, value.upper)


@dataclass(frozen=True)
class TargetRow:
    kind: str
    id: int
    name: str
    place_kind: str | None
    window: Period | None


def target_row(session: Session, kind: str, target_id: int) -> TargetRow | None:
    """Name, place kind and time window of one target, or None when it does not exist."""
    model = TARGET_MODELS[kind]
    row = session.get(model, target_id)
    if row is None:
        return None
    window = None
    if kind == "event":
        window = Period(row.starts_at, row.ends_at)
    elif kind == "emergency_area" and row.period is not None and row.period.lower and row.period.upper:
        window = as_period(row.period)
    return TargetRow(kind, row.id, row.name, getattr(row, "kind", None) if kind == "public_place" else None,
                     window)


def _target_geom(kind: str, target_id: int):
    model = TARGET_MODELS[kind]
    return select(model.geom).where(model.id == target_id).scalar_subquery()


def units_covering(session: Session, kind: str, target_id: int) -> tuple[int, ...]:
    """Police units whose jurisdiction holds the target's point on surface (D: a street crossing
    districts belongs to the unit holding its middle)."""
    point = func.ST_PointOnSurface(_target_geom(kind, target_id))
    return tuple(session.scalars(select(PoliceUnit.id).where(func.ST_Covers(PoliceUnit.jurisdiction, point))
                                 .order_by(PoliceUnit.id)))


def home_area_facts(session: Session, formation_ids: Sequence[int], kind: str,
                    target_id: int) -> dict[int, tuple[bool, float]]:
    """Per formation: does its home area cover the target, and how far (metres) the target reaches
    beyond it (0 when covered; for a point, its distance)."""
    target = session.scalar(select(func.ST_AsEWKB(_target_geom(kind, target_id))))
    rows = session.execute(HOME_AREA_REACH, {"target": bytes(target), "ids": list(formation_ids)})
    return {r.id: (bool(r.inside), float(r.beyond_m or 0.0)) for r in rows}


def formations(session: Session, ids: Iterable[int] | None = None) -> list[Formation]:
    stmt = select(Formation).order_by(Formation.name)
    if ids is not None:
        stmt = stmt.where(Formation.id.in_(list(ids)))
    return list(session.scalars(stmt))


def overlapping_assignments(session: Session, formation_ids: Sequence[int], shift: Period, *,
                            exclude_id: int | None = None, individual: bool = False) -> dict[int, tuple[int, ...]]:
    """Per formation (per participant when ``individual``: their own tasks): its live assignments
    whose shift overlaps ``shift``."""
    assignee = Assignment.participant_id if individual else Assignment.formation_id
    stmt = (select(assignee, Assignment.id)
            .where(assignee.in_(formation_ids), Assignment.status.in_(LIVE),
                   Assignment.shift.op("&&")(shift_range(shift))))
    if exclude_id is not None:
        stmt = stmt.where(Assignment.id != exclude_id)
    out: dict[int, tuple[int, ...]] = {}
    for formation_id, assignment_id in session.execute(stmt.order_by(Assignment.id)):
        out[formation_id] = out.get(formation_id, ()) + (assignment_id,)
    return out


def officer_load(session: Session, officer_id: int, shift: Period, *, formation_id: int | None,
                 exclude_id: int | None = None) -> int:
    """How many other formations the officer supervises in shifts overlapping ``shift``."""
    stmt = (select(func.count(func.distinct(Assignment.formation_id)))
            .where(Assignment.officer_id == officer_id, Assignment.status.in_(LIVE),
                   Assignment.shift.op("&&")(shift_range(shift))))
    if formation_id is not None:
        stmt = stmt.where(Assignment.formation_id != formation_id)
    if exclude_id is not None:
        stmt = stmt.where(Assignment.id != exclude_id)
    return int(session.scalar(stmt) or 0)


def officer_duty(session: Session, officer_ids: Sequence[int], shift: Period) -> dict[int, tuple[Period, ...]]:
    """Per officer: duty periods touching ``shift`` (enough to tell whether they cover it)."""
    stmt = (select(OfficerDuty.officer_id, OfficerDuty.period)
            .where(OfficerDuty.officer_id.in_(officer_ids),
                   OfficerDuty.period.op("&&")(func.tstzrange(shift.start, shift.end, "[]")))
            .order_by(OfficerDuty.officer_id, OfficerDuty.period))
    out: dict[int, tuple[Period, ...]] = {}
    for officer_id, period in session.execute(stmt):
        out[officer_id] = out.get(officer_id, ()) + (as_period(period),)
    return out


def officers_of_units(session: Session, unit_ids: Sequence[int]) -> list[Officer]:
    return list(session.scalars(select(Officer).where(Officer.police_unit_id.in_(unit_ids))
                                .order_by(Officer.name)))


def current_members(session: Session, formation_id: int, day: date) -> list[Participant]:
    """Participants who belong to the formation on ``day``."""
    stmt = (select(Participant).join(FormationMember, FormationMember.participant_id == Participant.id)
            .where(FormationMember.formation_id == formation_id, FormationMember.joined_on <= day,
                   (FormationMember.left_on.is_(None)) | (FormationMember.left_on > day))
            .order_by(Participant.full_name))
    return list(session.scalars(stmt))


def participant(session: Session, participant_id: int) -> Participant | None:
    return session.get(Participant, participant_id)


def individual_participants(session: Session, forms: Iterable[str]) -> list[Participant]:
    """Participants who recorded one of ``forms`` (item 5), by name."""
    return list(session.scalars(select(Participant).where(Participant.participation_form.in_(list(forms)))
                                .order_by(Participant.full_name, Participant.id)))


def participants(session: Session, ids: Sequence[int]) -> list[Participant]:
    return list(session.scalars(select(Participant).where(Participant.id.in_(ids)).order_by(Participant.id)))


def lock_assignment(session: Session, assignment_id: int, *, visible=None) -> Assignment | None:
    """The assignment locked until the transaction ends; None when missing or not ``visible``
    (a clause of ``geo.db.scopes``)."""
    stmt = select(Assignment).where(Assignment.id == assignment_id)
    if visible is not None:
        stmt = stmt.where(visible)
    return session.scalar(stmt.with_for_update(of=Assignment))


def formation(session: Session, formation_id: int, *, visible=None) -> Formation | None:
    """One formation; None when missing or not ``visible`` (a clause of ``geo.db.scopes``)."""
    stmt = select(Formation).where(Formation.id == formation_id)
    if visible is not None:
        stmt = stmt.where(visible)
    return session.scalar(stmt)


def lock_officer(session: Session, officer_id: int) -> Officer | None:
    """The officer's row, locked until the transaction ends: assignments under one officer are
    checked one at a time, so concurrent requests cannot exceed the officer's load together."""
    return session.scalar(select(Officer).where(Officer.id == officer_id).with_for_update())


def officer(session: Session, officer_id: int) -> Officer | None:
    return session.get(Officer, officer_id)



def targets_near(session: Session, lon: float, lat: float, radius_m: float, *, window: Period,
                 streets: bool = True, locale: str | None = None) -> list[tuple[str, int, str, str | None]]:
    """Every target (kind, id, name, place kind) within ``radius_m`` metres of a point, smallest
    first (what lies on top of a map), so a click on overlapping targets can offer each; emergency
    areas only when their period overlaps ``window`` (or they have none), as the map draws them."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)
    parts = []
    for kind, model in TARGET_MODELS.items():
        place_kind = model.kind if kind == "public_place" else literal(None)
        stmt = (select(literal(kind).label("kind"), model.id.label("id"),
                       localised_name(model, locale).label("name"), cast(place_kind, Text).label("place_kind"),
                       func.ST_Area(func.geography(model.geom)).label("area"))
                .where(func.ST_DWithin(func.geography(model.geom), func.geography(point), radius_m)))
        if kind == "public_place" and not streets:
            stmt = stmt.where(model.kind != "street")
        if kind == "emergency_area":
            stmt = stmt.where(model.period.is_(None) | model.period.op("&&")(shift_range(window)))
        parts.append(stmt)
    union = union_all(*parts).subquery()
    rows = session.execute(select(union.c.kind, union.c.id, union.c.name, union.c.place_kind)
                           .order_by(union.c.area, union.c.kind, union.c.id).limit(20))
    return [tuple(r) for r in rows]
