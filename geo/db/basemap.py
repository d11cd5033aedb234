"""The offline basemap: its features' writes and counts, and its vector tiles (``basemap_tile.sql``).

Nothing here commits: the rows go with the caller's transaction.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from shapely.geometry.base import BaseGeometry
from sqlalchemy import delete, func, select, text
from sqlalchemy.orm import Session

from .layer_writes import copy_rows
from .names import language_of
from .models import BasemapFeature, District, StreetSegment

BASEMAP_TILE = text((Path(__file__).with_name("sql") / "basemap_tile.sql").read_text(encoding="utf-8"))

# From which zoom the tile carries minor streets (and trams), footpaths and names.
MINOR_FROM_Z = 13
PATHS_FROM_Z = 15
NAMES_FROM_Z = 15


def add_features(session: Session, *, kinds: Sequence[str], names: Sequence, names_ru: Sequence,
                 names_kk: Sequence, names_en: Sequence, osm_ids: Sequence, geoms: Sequence[BaseGeometry]) -> int:
    """COPY basemap features in (geometries in EPSG:4326); how many were stored."""
    columns = {"kind": kinds, "name": names, "name_ru": names_ru, "name_kk": names_kk, "name_en": names_en,
               "osm_id": osm_ids, "geom": geoms}
    return copy_rows(session, BasemapFeature.__tablename__, columns, ("geom",), count=len(geoms))


def clear_features(session: Session) -> int:
    """Delete every basemap feature; how many there were."""
    return session.execute(delete(BasemapFeature)).rowcount


def counts_by_kind(session: Session) -> dict[str, int]:
    """Kind → stored features."""
    stmt = select(BasemapFeature.kind, func.count()).group_by(BasemapFeature.kind).order_by(BasemapFeature.kind)
    return {kind: int(n) for kind, n in session.execute(stmt)}


def extent(session: Session) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of everything the basemap draws; None when nothing is loaded."""
    parts = [select(func.ST_Extent(model.geom).label("box")) for model in (BasemapFeature, StreetSegment, District)]
    union = parts[0].union_all(*parts[1:]).subquery()
    box = func.ST_Extent(union.c.box)
    row = session.execute(select(func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box))).one()
    return None if row[0] is None else (float(row[0]), float(row[1]), float(row[2]), float(row[3]))


def tile(session: Session, z: int, x: int, y: int, *, locale: str | None = None) -> bytes:
    """The basemap's Mapbox vector tile z/x/y (possibly empty bytes), names in ``locale``'s language."""
    params = {"z": z, "x": x, "y": y, "minor_from_z": MINOR_FROM_Z, "paths_from_z": PATHS_FROM_Z,
              "names_from_z": NAMES_FROM_Z, "lang": language_of(locale)}
    return bytes(session.execute(BASEMAP_TILE, params).scalar_one() or b"")
