"""Street segments: the routing layer's reads and writes (the planner's street-network distances)."""
from __future__ import annotations

from collections.abc import Sequence

import shapely
from geoalchemy2 import Geography, Geometry
from geoalchemy2.shape import to_shape
from shapely.geometry.base import BaseGeometry
from sqlalchemy import cast, delete, exists, func, select
from sqlalchemy.orm import Session

from ..crs import STORAGE_SRID
from .models import Formation, StreetSegment
from .layer_writes import copy_rows


def has_segments(session: Session) -> bool:
    """Whether any street segment is loaded."""
    return bool(session.scalar(select(exists().where(StreetSegment.id.is_not(None)))))


def segments_within(session: Session, bounds: tuple[float, float, float, float], *,
                    margin_m: float) -> list[BaseGeometry]:
    """The lines of the segments meeting ``bounds`` (min lon, min lat, max lon, max lat) widened by
    ``margin_m`` metres, by id; the filter is on the geometry, so the GiST index serves it."""
    envelope = func.ST_MakeEnvelope(*map(float, bounds), STORAGE_SRID)
    area = func.ST_Envelope(cast(func.ST_Buffer(cast(envelope, Geography), float(margin_m)),
                                 Geometry(srid=STORAGE_SRID)))
    stmt = (select(func.ST_AsBinary(StreetSegment.geom)).where(func.ST_Intersects(StreetSegment.geom, area))
            .order_by(StreetSegment.id))
    return list(shapely.from_wkb([bytes(wkb) for wkb in session.scalars(stmt)]))


def home_points(session: Session, formation_ids: Sequence[int]) -> dict[int, BaseGeometry]:
    """Per formation: the point inside its home area (``ST_PointOnSurface``) that straight-line
    travel is measured from, too."""
    stmt = select(Formation.id, func.ST_PointOnSurface(Formation.home_area)).where(
        Formation.id.in_(list(formation_ids)))
    return {i: to_shape(p) for i, p in session.execute(stmt)}


def add_segments(session: Session, *, names: Sequence, highways: Sequence, osm_ids: Sequence,
                 lengths_m: Sequence[float], lines: Sequence[BaseGeometry], one_ways: Sequence | None = None,
                 speeds_kmh: Sequence | None = None, other_names: dict[str, Sequence] | None = None) -> int:
    """COPY street segments in (lines in EPSG:4326); the rows go with the caller's transaction.
    ``other_names`` maps ``name_ru``/``name_kk``/``name_en`` to the segments' names in that language."""
    columns = {"name": names, "highway": highways, "osm_id": osm_ids, "length_m": lengths_m, "geom": lines}
    columns.update({column: values for column, values in (other_names or {}).items()
                    if column in ("name_ru", "name_kk", "name_en")})
    if one_ways is not None:
        columns["one_way"] = one_ways
    if speeds_kmh is not None:
        columns["speed_kmh"] = speeds_kmh
    return copy_rows(session, StreetSegment.__tablename__, columns, ("geom",), count=len(lines))


def delete_segments_within(session: Session, area: BaseGeometry) -> int:
    """Delete the segments lying wholly inside ``area`` (EPSG:4326; its boundary counts as inside);
    how many. The filter is on the geometry, so the GiST index serves it."""
    within = func.ST_CoveredBy(StreetSegment.geom, func.ST_GeomFromWKB(area.wkb, STORAGE_SRID))
    return int(session.execute(delete(StreetSegment).where(within)).rowcount)


def clear_segments(session: Session) -> None:
    """Delete every street segment."""
    session.execute(delete(StreetSegment))


def segment_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).select_from(StreetSegment)))
