"""Vector tiles (Mapbox Vector Tile) built by PostGIS: ``ST_AsMVT`` over ``ST_AsMVTGeom`` in
``ST_TileEnvelope``, one statement per layer in ``geo/db/sql/tile_*.sql``.

Incidents and field reports have their own statements (counted cells below a zoom, points from
it); every other catalogue layer shares ``tile_layer.sql``, filled with its table, fields and
geometry column from the catalogue (``geo.layers``), never from a request. The viewer's scope
(``geo.db.scopes``) is written into the statement as SQL: it holds only ids read from the database
(and, for field reports, a time the web layer parsed: ``geo.db.reports.report_filter``).
"""
from __future__ import annotations

from functools import cache
from pathlib import Path

from sqlalchemy import ColumnElement, func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from ..access import PUBLIC_LAYERS
from ..layers import LAYERS, LayerSpec
from .aggregate import planner_settings
from .layer_reads import model_of
from .models import FieldReport
from .names import LANGUAGES, language_of

SQL = Path(__file__).with_name("sql")
# The layers that come as counted cells at low zoom, with their own statement.
COUNTED = ("incident", "field_report")
# Web Mercator's half width (metres): a tile at zoom z is 2 * HALF_WORLD / 2**z wide.
HALF_WORLD = 20037508.342789244
TILE_EXTENT = 4096
BUFFER = 64  # tile units kept around a tile, as ST_AsMVTGeom is called
# The stored incident counts (incident_cell, migration 0018): squares of CELL_M metres, the cells of
# 32 px at zoom 15 (a tile at zoom z is 2 ** (CELL_LEVEL + 1 - z) of them wide).
CELL_LEVEL = 17
CELL_M = HALF_WORLD / 2 ** CELL_LEVEL
# Property types of the catalogue's field types, as a TileJSON ``vector_layers`` entry names them.
MVT_TYPES = {"int": "Number", "bigint": "Number", "float": "Number", "ref": "Number", "bool": "Boolean"}


@cache
def _sql(name: str) -> str:
    return (SQL / f"tile_{name}.sql").read_text()


def _clause_sql(clause: ColumnElement[bool]) -> str:
    return str(clause.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


def _tile_fields(spec: LayerSpec):
    return [f for f in spec.fields if f.type != "point"]


def _named_refs(spec: LayerSpec):
    """The ref fields whose row's name a tile carries beside its id (property ``f.name``): refs to
    the layers every signed-in user reads (districts, police units), so the name tells no one more."""
    return [f for f in spec.fields if f.type == "ref" and f.ref in PUBLIC_LAYERS]


def layer_fields(spec: LayerSpec) -> dict[str, str]:
    """The properties of a layer's tile features and their types (``String``, ``Number``, ``Boolean``)."""
    if spec.name == "incident":
        return {"id": "Number", "category": "String", "source": "String", "occurred_at": "String",
                "count": "Number"}
    fields = {"id": "Number"}
    fields.update({f.column: MVT_TYPES.get(f.type, "String") for f in _tile_fields(spec)})
    fields.update({f.name: "String" for f in _named_refs(spec)})
    return fields


REPORT_FIELDS = {"id": "Number", "category": "String", "observed_at": "String", "reported_at": "String",
                 "formation_id": "Number", "formation": "String", "count": "Number"}


def _name_sql(spec: LayerSpec, column: str) -> str:
    # the reader's language (bound as :lang) where the table keeps names in it, else the original
    table = spec.table
    languages = [f.name.removeprefix("name_") for f in spec.fields if f.name in {f"name_{lang}" for lang in LANGUAGES}]
    if not languages:
        return column
    cases = " ".join(f"WHEN '{lang}' THEN {table}.\"name_{lang}\"" for lang in languages)
    return f"COALESCE(CASE CAST(:lang AS text) {cases} END, {column})"


def _statement(name: str, spec: LayerSpec | None, visible: ColumnElement[bool]) -> str:
    sql = _sql(name if name in COUNTED else "layer")
    if name in COUNTED:
        return sql.replace("{visible}", _clause_sql(visible))
    table = spec.table
    properties = []
    for f in _tile_fields(spec):
        column = f'{table}."{f.column}"'
        if f.type in ("date", "datetime"):
            column = f"{column}::text"
        elif f.name == "name":
            column = _name_sql(spec, column)
        properties.append(f'{column} AS "{f.column}"')
    for f in _named_refs(spec):
        ref = LAYERS[f.ref].table
        properties.append(f'(SELECT named.name FROM {ref} AS named WHERE named.id = {table}."{f.column}") AS "{f.name}"')
    return (sql.replace("{properties}", ", ".join(properties)).replace("{geometry}", spec.geometry_column)
            .replace("{table}", table).replace("{visible}", _clause_sql(visible)))


def _widened(size: float, x: int, y: int) -> dict[str, float]:
    """Tile x, y (``size`` metres wide) in EPSG:3857 widened by the buffer ``ST_AsMVTGeom`` keeps
    (64 of 4096 units a side): what ``ST_TileEnvelope(z, x, y, margin => 64 / 4096)`` spans."""
    margin = size * BUFFER / TILE_EXTENT
    xmin, ymax = -HALF_WORLD + x * size, HALF_WORLD - y * size
    return {"xmin": xmin - margin, "xmax": xmin + size + margin, "ymin": ymax - size - margin, "ymax": ymax + margin}


def stored_cells_shift(z: int, cell_px: int) -> int | None:
    """How many halvings the stored cells (``CELL_M``) are from the cells of ``cell_px`` at zoom ``z``,
    or None when those cells are no blocks of them: finer than ``CELL_M``, or not a power of two
    of it. From 16 px a cell's centre is further from the tile than its buffer reaches, and up to
    256 px (the tile) no cell crosses the tile's edge, so a tile holds whole cells only, as the
    stored counts give them."""
    if not 16 <= cell_px <= 256 or cell_px & (cell_px - 1):
        return None
    shift = cell_px.bit_length() - 1 + CELL_LEVEL - 7 - z  # cell_px / 256 of a tile 2 ** (CELL_LEVEL + 1 - z) wide
    return shift if shift >= 0 else None


def _stored_cells(session: Session, z: int, x: int, y: int, shift: int, cell: float) -> bytes:
    """The incident cells of tile z/x/y summed from ``incident_cell``: every incident counted, so only
    for a viewer who may see them all."""
    wide = 2 ** (CELL_LEVEL + 1 - z)  # stored cells across a tile
    ix0, iy0 = -2 ** CELL_LEVEL + x * wide, 2 ** CELL_LEVEL - (y + 1) * wide
    params = {"z": z, "x": x, "y": y, "shift": shift, "cell": cell, "ix0": ix0, "ix1": ix0 + wide - 1,
              "iy0": iy0, "iy1": iy0 + wide - 1}
    with planner_settings(session, jit="off"):
        data = session.execute(text(_sql("incident_cells")), params).scalar()
    return bytes(data or b"")


def tile(session: Session, name: str, spec: LayerSpec | None, z: int, x: int, y: int, *,
         visible: ColumnElement[bool], points_zoom: int, cell_px: int, locale: str | None = None,
         stored_cells: bool = True) -> bytes:
    """The MVT bytes of layer ``name`` in tile z/x/y holding the rows ``visible`` admits (empty: no rows),
    names in ``locale``'s language where a row has one.

    Counted layers are cells of ``cell_px`` tile pixels below ``points_zoom``. Incident cells come
    from the stored counts (``incident_cell``) when ``visible`` admits every incident and the cells
    are blocks of the stored ones (``stored_cells`` false: counted from the incidents anyway).
    """
    size = 2 * HALF_WORLD / 2 ** z
    cell = size / 256 * cell_px  # a tile is drawn 256 pixels wide
    params = {"z": z, "x": x, "y": y, "points_zoom": points_zoom, "cell": cell, "lang": language_of(locale)}
    if name != "incident":
        data = session.execute(text(_statement(name, spec, visible)), params).scalar()
        return bytes(data or b"")
    shift = stored_cells_shift(z, cell_px)
    if stored_cells and z < points_zoom and shift is not None and _clause_sql(visible) == "true":
        return _stored_cells(session, z, x, y, shift, cell)
    params.update(_widened(size, x, y))
    # A city's tile at low zoom groups most of the table: its estimated cost sets off JIT
    # compilation (2.5 s at 10^6 incidents, for a 0.3 s query) and a sort of every row (a hash of
    # the few cells is what it needs; see aggregate.planner_settings).
    with planner_settings(session, jit="off", enable_sort="off"):
        data = session.execute(text(_statement(name, spec, visible)), params).scalar()
    return bytes(data or b"")


def run_tile(session: Session, run_id: int, method: str, z: int, x: int, y: int, *, alpha: float) -> bytes:
    """The MVT bytes of a stored analysis run's drawn cells in tile z/x/y (layer ``analysis``;
    ``tile_analysis_cell.sql`` says which are drawn); empty when none is."""
    params = {"run_id": run_id, "method": method, "z": z, "x": x, "y": y, "alpha": alpha}
    return bytes(session.execute(text(_sql("analysis_cell")), params).scalar() or b"")


def layer_bounds(session: Session, name: str, spec: LayerSpec | None) -> tuple[float, float, float, float] | None:
    """The lon/lat extent of a layer's whole table, None when it is empty."""
    model = FieldReport if name == "field_report" else model_of(spec)
    geom = getattr(model, "geom" if spec is None else spec.geometry_column)
    box = session.execute(select(func.ST_XMin(func.ST_Extent(geom)), func.ST_YMin(func.ST_Extent(geom)),
                                 func.ST_XMax(func.ST_Extent(geom)), func.ST_YMax(func.ST_Extent(geom)))).one()
    return None if box[0] is None else tuple(float(v) for v in box)
