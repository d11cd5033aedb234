"""The SQL behind hot spot analyses: incidents of a selection, study areas, and what the form offers.

Time range, categories, area and source are filtered here, in PostGIS (indexes on ``occurred_at``,
``(lower(category), occurred_at)`` and ``geom``). A hot spot run counts its selection in PostGIS
(``geo.db.aggregate``, weekday and hour read there in the analyst's time zone); ``incident_frame``
hands the rows themselves to a notebook or a check, with weekday and hour left to
``geo.analysis.selection``.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import shapely
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_SRID
from .models import District, Incident, PatrolZone
from .layer_reads import frame_of
from .names import localised_name

AREA_MODELS = {"district": District, "patrol_zone": PatrolZone}


@dataclass(frozen=True)
class IncidentFilter:
    """What SQL can filter: ``start <= occurred_at < end``, categories (in any case), area (EPSG:4326),
    sources."""

    start: datetime | None = None
    end: datetime | None = None
    categories: Sequence[str] | None = None
    area: BaseGeometry | None = None
    sources: Sequence[str] | None = None
    exclude_sources: Sequence[str] | None = None


def _where(f: IncidentFilter) -> list:
    where = []
    if f.start is not None:
        where.append(Incident.occurred_at >= f.start)
    if f.end is not None:
        where.append(Incident.occurred_at < f.end)
    if f.categories:  # case-insensitively, on the index of lower(category)
        where.append(func.lower(Incident.category).in_(sorted({c.lower() for c in f.categories})))
    if f.sources:
        where.append(Incident.source.in_(list(f.sources)))
    if f.exclude_sources:
        where.append(Incident.source.not_in(list(f.exclude_sources)))
    if f.area is not None:
        # incidents on the border count, as in geo.analysis.selection
        where.append(func.ST_Intersects(Incident.geom, func.ST_GeomFromWKB(f.area.wkb, STORAGE_SRID)))
    return where


def incident_frame(session: Session, f: IncidentFilter) -> gpd.GeoDataFrame:
    """The incidents passing ``f`` (ordered by id) as a GeoDataFrame in EPSG:4326; ``weight`` is 1
    where none is stored."""
    stmt = (select(Incident.id, Incident.occurred_at, Incident.category, Incident.source,
                   Incident.external_id, func.coalesce(Incident.weight, 1.0).label("weight"),
                   func.ST_AsBinary(Incident.geom).label("geometry"))
            .where(*_where(f)).order_by(Incident.id))
    frame = frame_of(session, stmt)
    if frame.empty:  # an empty result has no dtypes to convert with; keep the columns usable
        frame["occurred_at"] = frame["occurred_at"].astype("datetime64[ns, UTC]")
    return frame


def area_geometry(session: Session, kind: str, area_id: int) -> tuple[str, BaseGeometry] | None:
    """Name and geometry of a district or patrol zone, or None when there is none with that id."""
    model = AREA_MODELS[kind]
    row = session.execute(select(model.name, func.ST_AsBinary(model.geom))
                          .where(model.id == area_id)).one_or_none()
    return None if row is None else (row[0], shapely.from_wkb(bytes(row[1])))


def area_polygons(session: Session, kind: str, within: BaseGeometry | None = None) -> gpd.GeoDataFrame:
    """Districts or patrol zones (``id``, ``name``, geometry), those meeting ``within`` if given."""
    model = AREA_MODELS[kind]
    where = [] if within is None else [
        func.ST_Intersects(model.geom, func.ST_GeomFromWKB(within.wkb, STORAGE_SRID))]
    stmt = (select(model.id, model.name, func.ST_AsBinary(model.geom).label("geometry"))
            .where(*where).order_by(model.id))
    return frame_of(session, stmt)


def area_names(session: Session, kind: str, *, locale: str | None = None) -> list[tuple[int, str]]:
    """(id, name) of every district or patrol zone, by name (in ``locale``'s language where it has one)."""
    model = AREA_MODELS[kind]
    name = localised_name(model, locale).label("name")
    return [(r.id, r.name) for r in session.execute(select(model.id, name).order_by(name, model.id))]


def category_counts(session: Session) -> list[tuple[str, int]]:
    """Every incident category stored, with its number of incidents, most frequent first."""
    n = func.count().label("n")
    stmt = select(Incident.category, n).group_by(Incident.category).order_by(n.desc(), Incident.category)
    return [(r.category, r.n) for r in session.execute(stmt)]


def source_counts(session: Session) -> dict[str, int]:
    """Incidents per source (``police-record``, ``synthetic-demo``, ...)."""
    stmt = select(Incident.source, func.count()).group_by(Incident.source)
    return {source: n for source, n in session.execute(stmt)}


def time_range(session: Session) -> tuple[datetime | None, datetime | None]:
    """The first and last ``occurred_at`` stored (None, None when there are no incidents)."""
    first, last = session.execute(select(func.min(Incident.occurred_at), func.max(Incident.occurred_at))).one()
    return first, last


def extent(session: Session) -> tuple[float, float, float, float] | None:
    """minlon, minlat, maxlon, maxlat of every incident stored, or None when there are none."""
    box = func.ST_Extent(Incident.geom)
    row = session.execute(select(func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box))).one()
    return None if row[0] is None else tuple(float(v) for v in row)
