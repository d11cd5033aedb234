"""Pages of a layer as GeoJSON built by PostGIS, paged by key (``id > after``) rather than by counting.

A page is read in two statements: the ids of the page (``ORDER BY id LIMIT n + 1``, so the page
knows whether another follows without counting), then the features between the first and the last
of those ids, each one a GeoJSON text from ``json_build_object`` and ``ST_AsGeoJSON``, read through a
server-side cursor so a large page streams. Both statements keep the same filters (the viewer's
scope, the bbox), so a row outside either never appears.

The texts read as :func:`geo.db.layer_reads.layer_page` frames serialised by geopandas do (the
``GeoDataFrame.to_json`` of ``web.geojson.feature_collection``): ``id`` as feature id and property,
coordinates to 15 decimals, times as Python prints them, floats with a decimal point, secondary points
as WKT to 6 decimals.
"""
from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from geoalchemy2 import functions as gfunc
from sqlalchemy import ColumnElement, Select, Text, case, cast, func, literal, select
from sqlalchemy.dialects.postgresql import JSON
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ClauseElement, Executable

from ..layers import Field, LayerSpec
from .layer_reads import layer_filters, model_of
from .names import localised_name

# Decimal places of coordinates: a double near 76° holds about 14, so 15 keeps every coordinate
# as stored (geopandas prints the shortest repr, which these match to within 1e-15°).
COORDINATE_DIGITS = 15
# Decimal places of a secondary point's WKT, as shapely's ``to_wkt`` writes it by default.
WKT_DIGITS = 6
# Up to this many matches by the planner's estimate, counting them is cheap (a few milliseconds):
# the page then gives the exact number without being asked.
CHEAP_COUNT = 10_000
# Rows fetched per round trip while a page streams.
STREAM_BATCH = 500


@dataclass(frozen=True)
class GeoJSONPage:
    """One page of a layer: its features as GeoJSON texts (read as they are iterated, once).

    ``next_after`` is the cursor of the following page (the last id of this one), None on the last
    page. ``matched`` is the exact number of matching features when it was asked for, when this first
    page holds every one, or when the planner expects few enough to count cheaply (``CHEAP_COUNT``);
    otherwise None and ``matched_estimate`` holds the planner's guess.
    """

    features: Iterator[str]
    next_after: int | None
    matched: int | None
    matched_estimate: int | None


def _float_json(column) -> ColumnElement:
    # PostgreSQL prints 200 for the double 200.0; geopandas (Python) prints 200.0, and a client that
    # types fields from the first page it reads (GDAL) must see a real, not an integer.
    printed = cast(column, Text)
    return case((printed.regexp_match("^-?[0-9]+$"), cast(printed.concat(".0"), JSON)),
                else_=func.to_json(column))


def _moment_text(column) -> ColumnElement:
    # str(datetime): "2026-11-01 16:00:00+00:00", microseconds only when there are some.
    return (func.to_char(column, "YYYY-MM-DD HH24:MI:SS")
            + case((func.date_trunc("second", column) == column, ""), else_=func.to_char(column, ".US"))
            + func.to_char(column, "TZH:TZM"))


def _property(field: Field, column) -> ColumnElement:
    if field.type == "point":
        return func.replace(gfunc.ST_AsText(column, WKT_DIGITS), "POINT(", "POINT (")
    if field.type == "datetime":
        return _moment_text(column)
    if field.type == "float":
        return _float_json(column)
    return column


@dataclass(frozen=True)
class Output:
    """The CRS features are written in: an SRID, whether x is the latitude (EPSG:4326's own axis
    order, as OGC API Features Part 2 asks), and the decimals of a coordinate."""

    srid: int = 4326
    lat_first: bool = False
    digits: int = COORDINATE_DIGITS


LON_LAT = Output()


def _geometry(column, output: Output) -> ColumnElement:
    if output.srid != 4326:
        column = gfunc.ST_Transform(column, output.srid)
    if output.lat_first:
        column = gfunc.ST_FlipCoordinates(column)
    return gfunc.ST_AsGeoJSON(column, output.digits)


def feature_json(spec: LayerSpec, output: Output = LON_LAT, *, locale: str | None = None) -> ColumnElement[str]:
    """The GeoJSON Feature of a row of ``spec``'s table, as text (geometry in ``output``'s CRS; its
    ``name`` in ``locale``'s language where the row has one, else the original)."""
    model = model_of(spec)
    ordered = [f for f in spec.fields if f.type != "point"] + [f for f in spec.fields if f.type == "point"]
    properties = [literal("id"), model.id]
    for f in ordered:
        column = localised_name(model, locale) if f.name == "name" else getattr(model, f.column)
        properties += [literal(f.column), _property(f, column)]
    geometry = cast(_geometry(getattr(model, spec.geometry_column), output), JSON)
    return cast(func.json_build_object("id", model.id, "type", "Feature",
                                       "properties", func.json_build_object(*properties),
                                       "geometry", geometry), Text)


class Explain(Executable, ClauseElement):
    """``EXPLAIN (FORMAT JSON)`` of a statement: the planner's estimate, without running it."""

    inherit_cache = False

    def __init__(self, statement: Select):
        self.statement = statement


@compiles(Explain, "postgresql")
def _compile_explain(element: Explain, compiler, **kw) -> str:
    return "EXPLAIN (FORMAT JSON) " + compiler.process(element.statement, **kw)


def planned_rows(session: Session, stmt: Select) -> int:
    """How many rows the planner expects ``stmt`` to return (from table statistics; nothing is read)."""
    plan = session.execute(Explain(stmt)).scalar_one()
    if isinstance(plan, str):
        plan = json.loads(plan)
    return int(plan[0]["Plan"]["Plan Rows"])


def geojson_page(session: Session, spec: LayerSpec, *, limit: int, after: int | None = None, offset: int = 0,
                 bbox: tuple[float, float, float, float] | None = None,
                 visible: ColumnElement[bool] | None = None, count: bool = False,
                 where: Sequence[ColumnElement[bool]] = (), output: Output = LON_LAT,
                 locale: str | None = None) -> GeoJSONPage:
    """The page of ``limit`` features of a layer whose ids follow ``after`` (then skipping ``offset``),
    ordered by id; ``count`` asks for the exact number of matching features (a count of them all),
    which is given unasked when it is cheap.

    ``visible`` keeps the rows a viewer may see (``geo.db.scopes``); ``bbox`` is lon/lat; ``where``
    adds filters (``geo.db.layer_filters``); ``output`` is the CRS the geometries are written in;
    ``locale`` the language of the places' names.
    """
    model = model_of(spec)
    where = [*layer_filters(spec, bbox=bbox, visible=visible), *where]
    keyed = where if after is None else [*where, model.id > after]
    ids = list(session.scalars(select(model.id).where(*keyed).order_by(model.id).offset(offset).limit(limit + 1)))
    more, ids = len(ids) > limit, ids[:limit]
    matched = estimate = None
    if not count and after is None and offset == 0 and not more:
        matched = len(ids)
    elif not count:
        estimate = planned_rows(session, select(model.id).where(*where))
    if count or (estimate is not None and estimate <= CHEAP_COUNT):
        matched, estimate = session.scalar(select(func.count()).select_from(model).where(*where)), None
    features: Iterator[str] = iter(())
    if ids:
        stmt = (select(feature_json(spec, output, locale=locale)).where(*where, model.id.between(ids[0], ids[-1])).order_by(model.id)
                .execution_options(yield_per=STREAM_BATCH))
        features = iter(session.scalars(stmt))
    return GeoJSONPage(features, ids[-1] if more else None, matched, estimate)


def feature_text(session: Session, spec: LayerSpec, feature_id: int, *, visible: ColumnElement[bool] | None = None,
                 output: Output = LON_LAT, locale: str | None = None) -> str | None:
    """One feature of a layer as GeoJSON text, None when there is none (or ``visible`` keeps it out)."""
    where = layer_filters(spec, visible=visible, feature_id=feature_id)
    return session.scalar(select(feature_json(spec, output, locale=locale)).where(*where))
