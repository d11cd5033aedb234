"""The queries behind shift planning: targets with their shapes, recent incidents near each, and the
rule facts of many (formation, target) pairs at once, computed as geo.db.dispatch computes one."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from geoalchemy2 import Geography
from sqlalchemy import and_, cast, func, or_, select, text
from sqlalchemy.orm import Session

from ..crs import STORAGE_SRID
from ..domain import Period
from .dispatch import TARGET_MODELS
from .models import Event, Incident, PoliceUnit

PLAN_HOME_AREA_REACH = text((Path(__file__).with_name("sql") / "plan_home_area_reach.sql")
                            .read_text(encoding="utf-8"))


@dataclass(frozen=True)
class TargetShape:
    """A target row as the planner needs it; ``ewkb`` is its geometry (EPSG:4326)."""

    kind: str
    id: int
    name: str
    place_kind: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    attendance: int | None
    ewkb: bytes


def targets(session: Session, kind: str, *, overlapping: Period | None = None) -> list[TargetShape]:
    """Every target of ``kind`` by id; events only those whose window overlaps ``overlapping``."""
    model = TARGET_MODELS[kind]
    extra = ()
    if kind == "public_place":
        extra = (model.kind,)
    elif kind == "event":
        extra = (Event.starts_at, Event.ends_at, Event.expected_attendance)
    stmt = select(model.id, model.name, func.ST_AsEWKB(model.geom), *extra).order_by(model.id)
    if kind == "event" and overlapping is not None:
        stmt = stmt.where(Event.starts_at < overlapping.end, Event.ends_at > overlapping.start)
    out = []
    for row in session.execute(stmt):
        place_kind = row[3] if kind == "public_place" else None
        starts_at, ends_at, attendance = row[3:6] if kind == "event" else (None, None, None)
        out.append(TargetShape(kind, row[0], row[1], place_kind, starts_at, ends_at, attendance, bytes(row[2])))
    return out


def incident_counts(session: Session, kind: str, ids: Sequence[int], windows: Sequence[Period], *,
                    near_m: float, exclude_sources: Sequence[str] = ()) -> dict[int, int]:
    """Per target: incidents that occurred in any of ``windows`` within it (areas) or within
    ``near_m`` metres of it (points and lines, measured on the spheroid). Targets without any are
    absent."""
    if not ids or not windows:
        return {}
    model = TARGET_MODELS[kind]
    near = or_(and_(func.ST_Dimension(model.geom) == 2, func.ST_Intersects(model.geom, Incident.geom)),
               and_(func.ST_Dimension(model.geom) < 2,
                    func.ST_DWithin(cast(model.geom, Geography), cast(Incident.geom, Geography), near_m)))
    when = or_(*[and_(Incident.occurred_at >= w.start, Incident.occurred_at < w.end) for w in windows])
    stmt = (select(model.id, func.count(Incident.id)).join(Incident, near)
            .where(model.id.in_(list(ids)), when).group_by(model.id))
    if exclude_sources:
        stmt = stmt.where(Incident.source.not_in(list(exclude_sources)))
    return {target_id: int(n) for target_id, n in session.execute(stmt)}


def units_covering(session: Session, kind: str, ids: Sequence[int]) -> dict[int, tuple[int, ...]]:
    """Per target: the police units whose jurisdiction holds its point on surface, as
    ``geo.db.dispatch.units_covering`` answers for one target."""
    model = TARGET_MODELS[kind]
    stmt = (select(model.id, PoliceUnit.id)
            .join(PoliceUnit, func.ST_Covers(PoliceUnit.jurisdiction, func.ST_PointOnSurface(model.geom)))
            .where(model.id.in_(list(ids))).order_by(model.id, PoliceUnit.id))
    out: dict[int, tuple[int, ...]] = {i: () for i in ids}
    for target_id, unit_id in session.execute(stmt):
        out[target_id] += (unit_id,)
    return out


@dataclass(frozen=True)
class Reach:
    """One formation against one target: home-area facts of the rule, and the travel distance."""

    inside: bool
    beyond_m: float
    travel_m: float


def home_area_reach(session: Session, formation_ids: Sequence[int], shapes: Sequence[tuple[int, bytes]], *,
                    allowance_m: float) -> dict[tuple[int, int], Reach]:
    """Per (formation id, target id) of targets of one kind: ``home_area_reach.sql`` for all at once.

    ``beyond_m`` is exact where the target comes within ``allowance_m`` (the regime's) of the home
    area; farther it is the nearest distance, which the rule refuses alike. ``shapes`` are
    (target id, WKB in the storage SRID) of targets of one kind."""
    if not formation_ids or not shapes:
        return {}
    rows = session.execute(PLAN_HOME_AREA_REACH, {"ids": list(formation_ids),
                                                  "target_ids": [i for i, _wkb in shapes],
                                                  "targets": [wkb for _i, wkb in shapes], "srid": STORAGE_SRID,
                                                  "allowance_m": float(allowance_m)})
    return {(r.formation_id, r.target_id): Reach(bool(r.inside), float(r.beyond_m or 0.0), float(r.travel_m))
            for r in rows}
