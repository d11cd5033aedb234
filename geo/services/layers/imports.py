"""Layers: import files and frames; every row is validated, then all are stored or none.

Importing is for admins and is written to the audit log.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from ...access import Principal, require
from ...db import layer_reads, layer_writes
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import InvalidInput
from ...ingest.mapping import Mapping, resolve_columns
from ...ingest.readers import CsvGeometry, Source, read_source
from ...ingest.validate import timezone, validate
from ...layers import LayerSpec
from ...progress import ProgressFactory, silent
from ..accountability.audit import record
from .features import layer_spec


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
