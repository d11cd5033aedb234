"""Reads of the layers: pages as GeoDataFrames, name lookups, stored values and counts."""
from __future__ import annotations

from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
import shapely
from geoalchemy2 import functions as gfunc
from collections.abc import Iterable, Sequence

from sqlalchemy import ColumnElement, Select, and_, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from ..crs import STORAGE_SRID
from ..layers import Field, LayerSpec
from .models import MODELS, District, FieldReport, ImportBatch
from .names import localised_name

# Tables read as layers that are not in the catalogue of importable layers.
READ_ONLY_MODELS = {FieldReport.__tablename__: FieldReport}

# A degree of latitude (and at most a degree of longitude) in metres: a tolerance of so many degrees
# moves no point by more than the metres it stands for.
METRES_PER_DEGREE = 111_320.0


def model_of(spec: LayerSpec):
    return MODELS.get(spec.table) or READ_ONLY_MODELS[spec.table]


def name_lookup(session: Session, spec: LayerSpec) -> dict[str, int]:
    """Name → id and "id" → id of every row of a layer (for ``ref`` fields of an import)."""
    model = model_of(spec)
    rows = session.execute(select(model.id, model.name)).all()
    lookup = {str(row.id): row.id for row in rows}
    lookup.update({row.name: row.id for row in rows})
    return lookup


def existing_values(session: Session, spec: LayerSpec, field_name: str) -> set:
    """The values of one column already stored in a layer (for uniqueness checks)."""
    column = getattr(model_of(spec), spec.field(field_name).column)
    return set(session.scalars(select(column).where(column.is_not(None))))


def district_extent(session: Session) -> tuple[float, float, float, float] | None:
    """(minlon, minlat, maxlon, maxlat) of the stored districts, or None when there are none."""
    box = func.ST_Extent(District.geom)
    row = session.execute(select(func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box),
                                 func.ST_YMax(box))).one()
    return None if row[0] is None else tuple(float(v) for v in row)


def import_with_checksum(session: Session, layer: str, sha256: str) -> ImportBatch | None:
    """The earliest import of a file with this checksum into ``layer``."""
    return session.scalars(select(ImportBatch).where(ImportBatch.layer == layer, ImportBatch.sha256 == sha256)
                           .order_by(ImportBatch.id).limit(1)).first()


def keyed_clauses(columns: Sequence[ColumnElement], keys: Iterable[tuple]) -> list[ColumnElement[bool]]:
    """WHERE clauses that together match the rows whose ``columns`` hold one of ``keys``: one per
    value of all but the last column, ``last = ANY(array)`` rather than a huge IN list."""
    *prefix, last = columns
    groups: dict[tuple, list] = {}
    for key in keys:
        groups.setdefault(tuple(key[:-1]), []).append(key[-1])
    # the array is one bound parameter, however many keys (not one parameter per key)
    return [and_(*(c == v for c, v in zip(prefix, values)),
                 last == any_(bindparam(None, lasts, type_=ARRAY(last.type))))
            for values, lasts in groups.items()]


def stored_keys(session: Session, spec: LayerSpec, key_fields: tuple[str, ...], among: Iterable[tuple], *,
                besides_import: int | None = None) -> set[tuple]:
    """Which of the value tuples ``among`` of ``key_fields`` a layer stores already (PostGIS looks
    them up; only the ones found come back); rows of import ``besides_import`` (one being stored,
    chunk by chunk) do not count."""
    model = model_of(spec)
    columns = [getattr(model, spec.field(name).column) for name in key_fields]
    others = [model.import_id.is_distinct_from(besides_import)] if besides_import is not None else []
    found: set[tuple] = set()
    for clause in keyed_clauses(columns, among):
        found |= {tuple(row) for row in session.execute(select(*columns).where(clause, *others).distinct())}
    return found


def count_rows(session: Session, spec: LayerSpec) -> int:
    return session.scalar(select(func.count()).select_from(model_of(spec)))


@dataclass(frozen=True)
class LayerPage:
    """One page of a layer's rows (EPSG:4326) and how many rows match in all."""

    frame: gpd.GeoDataFrame
    matched: int


def _column(model, f: Field, locale):
    if f.name == "name" and locale is not None:
        return localised_name(model, locale).label("name")
    return getattr(model, f.column)


def _columns(spec: LayerSpec, locale: str | None = None):
    """The columns a read of ``spec`` gives; ``name`` in ``locale``'s language when one is given."""
    model = model_of(spec)
    cols = [model.id] + [_column(model, f, locale) for f in spec.fields if f.type != "point"]
    for f in spec.fields:
        if f.type == "point":
            cols.append(gfunc.ST_AsBinary(getattr(model, f.column)).label(f.column))
    return cols


def layer_filters(spec: LayerSpec, *, bbox: tuple[float, float, float, float] | None = None,
                  visible: ColumnElement[bool] | None = None, feature_id: int | None = None) -> list[ColumnElement[bool]]:
    """The WHERE clauses of a read of a layer: the viewer's ``visible`` rows, one ``feature_id``, the
    rows whose geometry meets ``bbox`` (lon/lat)."""
    model = model_of(spec)
    where = [] if visible is None else [visible]
    if feature_id is not None:
        where.append(model.id == feature_id)
    if bbox is not None:
        where.append(getattr(model, spec.geometry_column).intersects(gfunc.ST_MakeEnvelope(*bbox, STORAGE_SRID)))
    return where


def layer_page(session: Session, spec: LayerSpec, *, bbox: tuple[float, float, float, float] | None = None,
               limit: int, offset: int = 0, visible: ColumnElement[bool] | None = None,
               feature_id: int | None = None, locale: str | None = None,
               simplify_m: float | None = None) -> LayerPage:
    """One page of a layer (ordered by id) as a GeoDataFrame in EPSG:4326, and the matching count.

    ``visible`` keeps the rows a viewer may see (``geo.db.scopes``); ``feature_id`` keeps one row;
    ``name`` is in ``locale``'s language where a row has a name in it (``geo.db.names``);
    ``simplify_m`` simplifies lines and polygons (Douglas–Peucker keeping their topology) with a
    tolerance of at most that many metres: a map's drawing, never a geometry to compute with.
    """
    model = model_of(spec)
    geom = getattr(model, spec.geometry_column)
    where = layer_filters(spec, bbox=bbox, visible=visible, feature_id=feature_id)
    matched = session.scalar(select(func.count()).select_from(model).where(*where))
    drawn = geom if not simplify_m else func.ST_SimplifyPreserveTopology(geom, simplify_m / METRES_PER_DEGREE)
    stmt: Select = (select(*_columns(spec, locale), gfunc.ST_AsBinary(drawn).label("geometry"))
                    .where(*where).order_by(model.id).limit(limit).offset(offset))
    frame = frame_of(session, stmt)
    return LayerPage(frame, matched)


def frame_of(session: Session, stmt: Select) -> gpd.GeoDataFrame:
    """The rows of ``stmt`` as a GeoDataFrame (EPSG:4326): its ``geometry`` column and any other
    WKB columns become geometries."""
    result = session.execute(stmt)
    rows = result.all()
    columns = list(result.keys())
    table = pd.DataFrame(rows, columns=columns)
    geometry = shapely.from_wkb([bytes(b) if b is not None else None for b in table.pop("geometry")])
    for col in table.columns:
        if table[col].map(lambda v: isinstance(v, (bytes, memoryview))).any():
            table[col] = gpd.GeoSeries(shapely.from_wkb([bytes(b) if b is not None else None
                                                          for b in table[col]]), crs=STORAGE_SRID)
    return gpd.GeoDataFrame(table, geometry=geometry, crs=STORAGE_SRID)


def names_by_id(session: Session, spec: LayerSpec, *, locale: str | None = None) -> dict[int, str]:
    """Id → name of every row of a layer (to show ``ref`` fields by name), in ``locale``'s language."""
    model = model_of(spec)
    stmt = select(model.id, localised_name(model, locale).label("name"))
    return {row.id: row.name for row in session.execute(stmt)}


def _bounds(session: Session, box) -> tuple[float, float, float, float] | None:
    row = session.execute(select(func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box))).one()
    return None if row[0] is None else tuple(float(v) for v in row)


def layer_extent(session: Session, spec: LayerSpec, *,
                 visible: ColumnElement[bool] | None = None) -> tuple[float, float, float, float] | None:
    """(minlon, minlat, maxlon, maxlat) of a layer's rows ``visible`` keeps, None when there are none.

    Exact (``ST_Extent`` over the rows), not the planner's ``ST_EstimatedExtent``: statistics older
    than the last import would give a box that leaves out new rows, and a client may trust it.
    """
    geom = getattr(model_of(spec), spec.geometry_column)
    where = [] if visible is None else [visible]
    return _bounds(session, select(func.ST_Extent(geom)).where(*where).scalar_subquery())
