"""Field reports: storing one, checking where it lies, reading them back within a viewer's scope."""
from __future__ import annotations

from datetime import datetime

from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import ColumnElement, Row, and_, func, select, tuple_
from sqlalchemy.orm import Session

from ..crs import STORAGE_SRID
from ..visibility import Scope
from . import scopes
from .models import Assignment, District, FieldReport, Formation, Participant, ReportPhoto, UserAccount


def _point(lon: float, lat: float):
    return from_shape(Point(lon, lat), srid=STORAGE_SRID)


def in_districts(session: Session, lon: float, lat: float) -> bool:
    """True when some district covers the point (kuzet knows nothing outside them)."""
    point = func.ST_SetSRID(func.ST_MakePoint(lon, lat), STORAGE_SRID)
    return bool(session.scalar(select(func.count()).select_from(District)
                               .where(func.ST_Covers(District.geom, point))))


def assignment_formation(session: Session, assignment_id: int) -> int | None:
    """The formation of an assignment, None when there is no such assignment (or it has none)."""
    return session.scalar(select(Assignment.formation_id).where(Assignment.id == assignment_id))


def assignment_holder(session: Session, assignment_id: int) -> Row | None:
    """``(formation_id, participant_id)`` of an assignment, None when there is no such assignment."""
    return session.execute(select(Assignment.formation_id, Assignment.participant_id)
                           .where(Assignment.id == assignment_id)).one_or_none()


def insert_report(session: Session, *, category: str, observed_at: datetime, reported_at: datetime,
                  description: str, formation_id: int | None, assignment_id: int | None, reported_by: int,
                  location_source: str, lon: float, lat: float, participant_id: int | None = None,
                  item: str | None = None, client_key: str | None = None) -> FieldReport:
    """Store a report; with a ``client_key`` the author already used, IntegrityError on
    ``ix_field_report_client_key`` (the caller holds a savepoint)."""
    report = FieldReport(category=category, observed_at=observed_at, reported_at=reported_at,
                         description=description, formation_id=formation_id, assignment_id=assignment_id,
                         reported_by=reported_by, location_source=location_source, geom=_point(lon, lat),
                         participant_id=participant_id, item=item, client_key=client_key)
    session.add(report)
    session.flush()
    return report


def report_of_key(session: Session, reported_by: int, client_key: str) -> int | None:
    """The id of the report ``reported_by`` filed with ``client_key``, if any."""
    return session.scalar(select(FieldReport.id).where(FieldReport.reported_by == reported_by,
                                                       FieldReport.client_key == client_key))


def insert_photos(session: Session, report_id: int, photos) -> None:
    """Store ``photos`` (``geo.ingest.photos.Photo``) of a report, in their order."""
    session.add_all([ReportPhoto(report_id=report_id, position=i, content_type=p.content_type, width=p.width,
                                 height=p.height, data=p.data, thumbnail=p.thumbnail)
                     for i, p in enumerate(photos, start=1)])
    session.flush()


def photo_rows(session: Session, report_id: int) -> list[Row]:
    """``(id, position, content_type, width, height)`` of a report's photos, in order (no bytes)."""
    return list(session.execute(select(ReportPhoto.id, ReportPhoto.position, ReportPhoto.content_type,
                                       ReportPhoto.width, ReportPhoto.height)
                                .where(ReportPhoto.report_id == report_id).order_by(ReportPhoto.position)))


def photo_bytes(session: Session, report_id: int, photo_id: int, *, thumbnail: bool) -> Row | None:
    """``(content_type, data)`` of one photo of a report (its JPEG thumbnail when ``thumbnail``)."""
    column = ReportPhoto.thumbnail if thumbnail else ReportPhoto.data
    return session.execute(select(ReportPhoto.content_type, column.label("data"))
                           .where(ReportPhoto.report_id == report_id, ReportPhoto.id == photo_id)).one_or_none()


def report_filter(scope: Scope, *, reported_after: datetime | None = None,
                  category: str | None = None) -> ColumnElement[bool]:
    """The reports ``scope`` admits, reported from ``reported_after`` on, of ``category``: what a
    page lists and what its map's tiles draw (``tile_field_report.sql`` takes it as its scope)."""
    clauses = [scopes.report_visible(scope)]
    if reported_after is not None:
        clauses.append(FieldReport.reported_at >= reported_after)
    if category is not None:
        clauses.append(FieldReport.category == category)
    return and_(*clauses)


def report_rows(session: Session, scope: Scope, *, ids: list[int] | None = None,
                reported_after: datetime | None = None, category: str | None = None,
                before: tuple[datetime, int] | None = None, limit: int = 500) -> list[Row]:
    """Reports within ``scope``, newest first (reported_at, then id), with formation name, the filing
    individual participant's name, reporter's login and lon/lat; ``before`` (reported_at, id) keeps those after that one in this order (a
    keyset page: the index ``ix_field_report_reported_at_id`` reads it from where it stopped)."""
    stmt = (select(FieldReport.id, FieldReport.category, FieldReport.observed_at, FieldReport.reported_at,
                   FieldReport.description, FieldReport.formation_id, Formation.name.label("formation"),
                   FieldReport.assignment_id, UserAccount.login.label("reported_by"),
                   FieldReport.participant_id, Participant.full_name.label("participant"), FieldReport.item,
                   FieldReport.location_source, func.ST_X(FieldReport.geom).label("lon"),
                   func.ST_Y(FieldReport.geom).label("lat"), Assignment.shift.label("assignment_shift"),
                   Assignment.activity.label("assignment_activity"))
            .outerjoin(Formation, Formation.id == FieldReport.formation_id)
            .outerjoin(Assignment, Assignment.id == FieldReport.assignment_id)
            .outerjoin(Participant, Participant.id == FieldReport.participant_id)
            .join(UserAccount, UserAccount.id == FieldReport.reported_by)
            .where(report_filter(scope, reported_after=reported_after, category=category)))
    if ids is not None:
        stmt = stmt.where(FieldReport.id.in_(ids))
    if before is not None:
        stmt = stmt.where(tuple_(FieldReport.reported_at, FieldReport.id) < tuple_(*before))
    stmt = stmt.order_by(FieldReport.reported_at.desc(), FieldReport.id.desc()).limit(limit)
    return list(session.execute(stmt))


def report_extent(session: Session, scope: Scope, *, reported_after: datetime | None = None,
                  category: str | None = None) -> tuple[float, float, float, float] | None:
    """The lon/lat extent of the reports ``report_filter`` admits, None when there are none."""
    box = func.ST_Extent(FieldReport.geom)
    row = session.execute(select(func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box))
                          .where(report_filter(scope, reported_after=reported_after, category=category))).one()
    return None if row[0] is None else tuple(float(v) for v in row)
