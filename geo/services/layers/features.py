"""Layers: import files and frames, read pages of features for the API and the map.

Reading obeys ``geo.access``: police staff see every layer whole; a leader sees districts and
police units, their own formation and the targets of their formation's assignments, and no
incidents at all (Forbidden). Importing is for admins and is written to the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from ...access import POLICE_STAFF, PUBLIC_LAYERS, Principal, may, require
from ...db import layer_reads, layer_writes, scopes
from ...db.layer_reads import LayerPage
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import InvalidInput, NotFound
from ...ingest.mapping import Mapping, resolve_columns
from ...ingest.readers import CsvGeometry, Source, read_source
from ...ingest.validate import timezone, validate
from ...layers import LAYERS, LayerSpec
from ...progress import ProgressFactory, silent
from ...visibility import Scope, scope_of
from ..accountability.audit import record

MAX_PAGE = 10_000


def layer_spec(name: str) -> LayerSpec:
    """The layer called ``name``; NotFound names the layers that exist."""
    try:
        return LAYERS[name]
    except KeyError:
        raise NotFound(f"no layer {name!r}; layers are: {', '.join(LAYERS)}") from None


@dataclass(frozen=True)
class ImportResult:
    layer: str
    source_name: str
    source_crs: str
    rows: int
    import_id: int


def import_layer(session, layer: str, path: str | Path, *, actor: Principal, mapping: Mapping = Mapping(),
                 progress: ProgressFactory = silent) -> ImportResult:
    """Read, validate and store a layer file; all rows in the caller's transaction, or none.

    Raises ``InvalidInput`` listing every bad row (row number, field, reason) before storing anything.

    Examples
    --------
    >>> import_layer(session, "incident", "sf.csv", actor=SYSTEM,
    ...              mapping=Mapping(fields={"occurred_at": "Date"}, timezone="America/Los_Angeles"))
    """
    require(actor, Role.ADMIN)
    spec = layer_spec(layer)
    source = read_source(path, srid=mapping.srid, sublayer=mapping.sublayer,
                         csv=CsvGeometry(lon=mapping.lon, lat=mapping.lat, wkt=mapping.wkt))
    return import_source(session, spec, source, actor=actor, mapping=mapping, progress=progress)


def import_frame(session, layer: str, frame: gpd.GeoDataFrame, *, name: str, actor: Principal,
                 mapping: Mapping = Mapping(), progress: ProgressFactory = silent) -> ImportResult:
    """Store an in-memory GeoDataFrame through the same validation as a file import."""
    require(actor, Role.ADMIN)
    if frame.crs is None:
        raise InvalidInput(f"{name}: the frame has no CRS")
    source = Source(name=name, frame=frame.reset_index(drop=True), crs=frame.crs)
    return import_source(session, layer_spec(layer), source, actor=actor, mapping=mapping, progress=progress)


def import_source(session, spec: LayerSpec, source: Source, *, actor: Principal, mapping: Mapping,
                  progress: ProgressFactory = silent) -> ImportResult:
    require(actor, Role.ADMIN)
    columns = resolve_columns(spec, [c for c in source.frame.columns if c != source.frame.geometry.name],
                              mapping)
    refs = {f.name: layer_reads.name_lookup(session, layer_spec(f.ref)) for f in spec.fields
            if f.type == "ref" and (f.name in columns or f.name in mapping.constants)}
    tz = timezone(mapping.timezone or DEFAULT_TIMEZONE)
    existing = {f.name: layer_reads.existing_values(session, spec, f.name) for f in spec.fields if f.unique}
    prepared, errors = validate(source, spec, columns, mapping.constants, tz=tz, refs=refs,
                                repair=bool(mapping.repair), existing=existing)
    if errors:
        bad_rows = len({e.row for e in errors})
        raise InvalidInput(f"{source.name}: {bad_rows} of {prepared.count} rows are not valid for layer "
                           f"{spec.name}; nothing was stored", rows=errors)
    if prepared.count == 0:
        raise InvalidInput(f"{source.name} holds no rows; nothing was stored")
    crs_name = source.crs.to_string()
    batch = layer_writes.record_import(session, layer=spec.name, source_name=source.name, source_crs=crs_name,
                                       row_count=prepared.count)
    columns_out = dict(prepared.columns)
    columns_out[spec.geometry_column] = prepared.geometry
    if spec.name == "incident":
        columns_out["import_id"] = [batch.id] * prepared.count
    geometry_columns = [spec.geometry_column] + [f.column for f in spec.fields if f.type == "point"]
    bar = progress(total=prepared.count, desc=f"storing {spec.name}")
    try:
        layer_writes.copy_rows(session, spec.table, columns_out, geometry_columns, count=prepared.count,
                               on_progress=bar.update)
    except layer_writes.RefusedByDatabase as exc:
        raise InvalidInput(f"{source.name}: the database refused the rows ({exc}); nothing was stored") from exc
    finally:
        bar.close()
    record(session, actor, "import", "import_batch", batch.id, None,
           {"layer": spec.name, "source_name": source.name, "source_crs": crs_name, "rows": prepared.count})
    return ImportResult(spec.name, source.name, crs_name, prepared.count, batch.id)


def _scope(viewer: Principal, spec: LayerSpec) -> Scope:
    """Which rows of ``spec`` the viewer sees; Forbidden for incidents outside the police staff."""
    if spec.name == "incident":
        require(viewer, *POLICE_STAFF)
    if may(viewer, POLICE_STAFF) or spec.name in PUBLIC_LAYERS:
        return Scope(everything=True)
    return scope_of(viewer)


def visible_layers(*, viewer: Principal) -> list[LayerSpec]:
    """The layers of the catalogue the viewer may read (incidents only for the police staff)."""
    return [spec for spec in LAYERS.values() if spec.name != "incident" or may(viewer, POLICE_STAFF)]


def layer_features(session, layer: str, *, viewer: Principal, bbox=None, limit: int = 1000,
                   offset: int = 0) -> LayerPage:
    """One page of the features of a layer ``viewer`` may see, optionally within a bbox (lon/lat)."""
    spec = layer_spec(layer)
    visible = scopes.layer_visible(spec.table, _scope(viewer, spec))
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(f"limit must be between 1 and {MAX_PAGE}")
    if offset < 0:
        raise InvalidInput("offset must not be negative")
    if bbox is not None:
        bbox = parse_bbox(bbox)
    return layer_reads.layer_page(session, spec, bbox=bbox, limit=limit, offset=offset, visible=visible)


def layer_feature(session, layer: str, feature_id: int, *, viewer: Principal) -> LayerPage:
    """One feature of a layer; NotFound when there is none or ``viewer`` may not see it."""
    spec = layer_spec(layer)
    visible = scopes.layer_visible(spec.table, _scope(viewer, spec))
    page = layer_reads.layer_page(session, spec, limit=1, visible=visible, feature_id=feature_id)
    if page.frame.empty:
        raise NotFound(f"no {spec.name.replace('_', ' ')} {feature_id}")
    return page


def parse_bbox(value) -> tuple[float, float, float, float]:
    """``"minlon,minlat,maxlon,maxlat"`` (or a 4-sequence) checked for order and range."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    if len(parts) != 4:
        raise InvalidInput("bbox needs four numbers: minlon,minlat,maxlon,maxlat")
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise InvalidInput("bbox values must be numbers: minlon,minlat,maxlon,maxlat") from None
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise InvalidInput("bbox is outside longitude -180..180 / latitude -90..90")
    if minx > maxx or miny > maxy:
        raise InvalidInput("bbox minimum is greater than its maximum")
    return minx, miny, maxx, maxy


def map_layers(session, *, viewer: Principal, limit: int) -> dict[str, LayerPage]:
    """Every layer ``viewer`` may read, for the overview map: at most ``limit`` features each.

    Each frame also gets a column named after each ``ref`` field (``district``, ``police_unit``,
    ``notified_unit``) holding the referenced row's name, so a map can show names, not ids.
    """
    names: dict[str, dict[int, str]] = {}
    pages = {}
    for spec in visible_layers(viewer=viewer):
        page = layer_features(session, spec.name, viewer=viewer, limit=limit)
        for f in spec.fields:
            if f.type == "ref":
                if f.ref not in names:
                    names[f.ref] = layer_reads.names_by_id(session, layer_spec(f.ref))
                page.frame[f.name] = page.frame[f.column].map(names[f.ref])
        pages[spec.name] = page
    return pages
