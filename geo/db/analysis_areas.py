"""The SQL of analysis areas: polygon sets an analyst imports (census blocks, ...) and their weights files."""
from __future__ import annotations

from collections.abc import Iterable

import geopandas as gpd
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_SRID
from .layer_reads import frame_of
from .models import AnalysisArea, AnalysisAreaWeights


def area_sets(session: Session) -> list[dict]:
    """Every stored set: ``name``, its number of ``areas`` and whether a weights file came with it
    (``weights``: "gal", "gwt" or None), by name."""
    n = func.count().label("n")
    counted = select(AnalysisArea.set_name, n).group_by(AnalysisArea.set_name).subquery()
    stmt = (select(counted.c.set_name, counted.c.n, AnalysisAreaWeights.format)
            .join(AnalysisAreaWeights, AnalysisAreaWeights.set_name == counted.c.set_name, isouter=True)
            .order_by(counted.c.set_name))
    return [{"name": r.set_name, "areas": r.n, "weights": r.format} for r in session.execute(stmt)]


def stored_sets(session: Session, names: Iterable[str]) -> list[str]:
    """Those of ``names`` that sets already stored are called."""
    wanted = sorted(set(names))
    if not wanted:
        return []
    stmt = select(AnalysisArea.set_name).where(AnalysisArea.set_name.in_(wanted)).distinct()
    return sorted(session.scalars(stmt))


def area_polygons(session: Session, set_name: str, within: BaseGeometry | None = None) -> gpd.GeoDataFrame:
    """The areas of a set (``id``, ``name``, ``external_id``, geometry in EPSG:4326) by id, those
    meeting ``within`` if given."""
    where = [AnalysisArea.set_name == set_name]
    if within is not None:
        where.append(func.ST_Intersects(AnalysisArea.geom, func.ST_GeomFromWKB(within.wkb, STORAGE_SRID)))
    stmt = (select(AnalysisArea.id, AnalysisArea.name, AnalysisArea.external_id,
                   func.ST_AsBinary(AnalysisArea.geom).label("geometry"))
            .where(*where).order_by(AnalysisArea.id))
    return frame_of(session, stmt)


def external_ids(session: Session, set_name: str) -> list[str | None]:
    """The ``external_id`` of every area of a set, by id."""
    stmt = select(AnalysisArea.external_id).where(AnalysisArea.set_name == set_name).order_by(AnalysisArea.id)
    return list(session.scalars(stmt))


def store_weights(session: Session, *, set_name: str, format: str, id_field: str, source_name: str,
                  body: str) -> AnalysisAreaWeights:
    """Keep a set's weights file (its text) with the set."""
    row = AnalysisAreaWeights(set_name=set_name, format=format, id_field=id_field, source_name=source_name,
                              body=body)
    session.add(row)
    session.flush()
    return row


def weights_of(session: Session, set_name: str) -> AnalysisAreaWeights | None:
    """The weights file stored with a set, or None."""
    return session.get(AnalysisAreaWeights, set_name)


def sets_of_import(session: Session, import_id: int) -> list[str]:
    """The set names of the areas one import stored."""
    stmt = select(AnalysisArea.set_name).where(AnalysisArea.import_id == import_id).distinct()
    return sorted(session.scalars(stmt))


def sets_stored_before(session: Session, names: Iterable[str], import_id: int) -> list[str]:
    """Those of ``names`` that hold areas of an import other than ``import_id``."""
    stmt = (select(AnalysisArea.set_name).where(AnalysisArea.set_name.in_(sorted(set(names))),
                                                AnalysisArea.import_id.is_distinct_from(import_id)).distinct())
    return sorted(session.scalars(stmt))
