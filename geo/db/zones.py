"""The SQL of areas drawn by a dispatcher: where they lie, how big they are, storing and reading them."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from geoalchemy2 import Geography
from geoalchemy2.shape import from_shape
from shapely.geometry import Polygon
from sqlalchemy import Row, cast, func, select
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from ..crs import STORAGE_SRID
from .models import District, EmergencyArea, PatrolZone, PoliceUnit


@dataclass(frozen=True)
class Placement:
    """Where a polygon lies: covered by the union of districts, its area (m², on the spheroid),
    and the police unit whose jurisdiction holds its point on surface (None when none does)."""

    inside_districts: bool
    area_m2: float
    unit_id: int | None


def placement(session: Session, polygon: Polygon) -> Placement:
    """One round trip: district cover, geodesic area and covering unit of ``polygon`` (EPSG:4326)."""
    geom = func.ST_GeomFromWKB(polygon.wkb, STORAGE_SRID)
    districts = (select(func.ST_Union(District.geom)).where(func.ST_Intersects(District.geom, geom))
                 .scalar_subquery())
    unit = (select(PoliceUnit.id).where(func.ST_Covers(PoliceUnit.jurisdiction, func.ST_PointOnSurface(geom)))
            .order_by(PoliceUnit.id).limit(1).scalar_subquery())
    row = session.execute(select(func.coalesce(func.ST_Covers(districts, geom), False),
                                 func.ST_Area(cast(geom, Geography)), unit)).one()
    return Placement(bool(row[0]), float(row[1]), row[2])


def unit_exists(session: Session, unit_id: int) -> bool:
    return session.get(PoliceUnit, unit_id) is not None


def insert_patrol_zone(session: Session, *, name: str, polygon: Polygon, police_unit_id: int | None,
                       note: str | None) -> PatrolZone:
    zone = PatrolZone(name=name, police_unit_id=police_unit_id, note=note,
                      geom=from_shape(polygon, srid=STORAGE_SRID))
    session.add(zone)
    session.flush()
    return zone


def insert_emergency_area(session: Session, *, name: str, polygon: Polygon, starts_at: datetime,
                          ends_at: datetime | None, note: str | None) -> EmergencyArea:
    area = EmergencyArea(name=name, period=Range(starts_at, ends_at, bounds="[)"), note=note,
                         geom=from_shape(polygon, srid=STORAGE_SRID))
    session.add(area)
    session.flush()
    return area


def emergency_area_rows(session: Session, *, ends_after: datetime, starts_before: datetime) -> list[Row]:
    """Emergency areas whose period overlaps the window (or has no period), with geometry as WKB."""
    period = EmergencyArea.period
    live = (period.is_(None) | ((func.lower_inf(period) | (func.lower(period) < starts_before))
                                & (func.upper_inf(period) | (func.upper(period) > ends_after))))
    stmt = (select(EmergencyArea.id, EmergencyArea.name, EmergencyArea.note,
                   func.lower(period).label("starts_at"), func.upper(period).label("ends_at"),
                   func.ST_AsBinary(EmergencyArea.geom).label("geometry"))
            .where(live).order_by(EmergencyArea.id))
    return list(session.execute(stmt))
