"""Field reports: storing one, checking where it lies, reading them back within a viewer's scope."""
from __future__ import annotations

from datetime import datetime

from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from ..crs import STORAGE_SRID
from ..visibility import Scope
from . import scopes
from .models import Assignment, District, FieldReport, Formation, UserAccount


def _point(lon: float, lat: float):
    return from_shape(Point(lon, lat), srid=STORAGE_SRID)


def in_districts(session: Session, lon: float, lat: float) -> bool:
    """True when some district covers the point (kuzet knows nothing outside them)."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), STORAGE_SRID)
    return bool(session.scalar(select(func.count()).select_from(District)
                               .where(func.ST_Covers(District.geom, point))))


def assignment_formation(session: Session, assignment_id: int) -> int | None:
    """The formation of an assignment, None when there is no such assignment."""
    return session.scalar(select(Assignment.formation_id).where(Assignment.id == assignment_id))


def insert_report(session: Session, *, category: str, observed_at: datetime, reported_at: datetime,
                  description: str, formation_id: int | None, assignment_id: int | None, reported_by: int,
                  location_source: str, lon: float, lat: float) -> FieldReport:
    report = FieldReport(category=category, observed_at=observed_at, reported_at=reported_at,
                         description=description, formation_id=formation_id, assignment_id=assignment_id,
                         reported_by=reported_by, location_source=location_source, geom=_point(lon, lat))
    session.add(report)
    session.flush()
    return report


def report_rows(session: Session, scope: Scope, *, ids: list[int] | None = None,
                reported_after: datetime | None = None, category: str | None = None,
                limit: int = 500) -> list[Row]:
    """Reports within ``scope``, newest first, with formation name, reporter's login and lon/lat."""
    stmt = (select(FieldReport.id, FieldReport.category, FieldReport.observed_at, FieldReport.reported_at,
                   FieldReport.description, FieldReport.formation_id, Formation.name.label("formation"),
                   FieldReport.assignment_id, UserAccount.login.label("reported_by"),
                   FieldReport.location_source, func.ST_X(FieldReport.geom).label("lon"),
                   func.ST_Y(FieldReport.geom).label("lat"))
            .outerjoin(Formation, Formation.id == FieldReport.formation_id)
            .join(UserAccount, UserAccount.id == FieldReport.reported_by)
            .where(scopes.report_visible(scope)))
    if ids is not None:
        stmt = stmt.where(FieldReport.id.in_(ids))
    if reported_after is not None:
        stmt = stmt.where(FieldReport.reported_at >= reported_after)
    if category is not None:
        stmt = stmt.where(FieldReport.category == category)
    stmt = stmt.order_by(FieldReport.reported_at.desc(), FieldReport.id.desc()).limit(limit)
    return list(session.execute(stmt))
