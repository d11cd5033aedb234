"""GeoPackages a GIS opens directly: a layer, a selection of incidents, a hot spot run.

Each is written by GDAL (pyogrio) into a file in ``directory``, chunk by chunk with ``append``, so a
large layer is never held in Python whole. Every layer of a package is in EPSG:4326. Who may read
what is the layer API's rule (``geo.services.layers.features``) and the stored runs' rule. The
caller's ``about`` (the rules in force: ``regime``, ``rules``) is written as GDAL metadata of the
package and of each of its layers (``ogrinfo`` lists it; QGIS shows it in the layer's properties),
so a package keeps its one data layer.
"""
from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio

from ...access import Principal
from ...crs import STORAGE_SRID
from ...db import analysis_runs as runs
from ...db import exports, incidents, layer_reads, scopes
from ...layers import LayerSpec
from ..hotspots import emerging
from ..hotspots.options import Selection
from ..hotspots.run import resolve_area, selection_filter
from ..hotspots.runs import _stored, _typed, may_read  # a stored run as the run's own services read it
from ..layers.features import _scope, layer_spec, parse_bbox  # the layer API's rule of who sees what

GPKG_MEDIA_TYPE = "application/geopackage+sqlite3"
GEOMETRY_TYPES = {"Point": "Point", "LineString": "LineString", "Polygon": "Polygon",
                  "MultiPolygon": "MultiPolygon", "Geometry": "Unknown"}


@dataclass(frozen=True)
class Export:
    """A written file, the name to offer it under, and the features written per layer of it."""

    path: Path
    filename: str
    layers: dict[str, int] = field(default_factory=dict)
    media_type: str = GPKG_MEDIA_TYPE


def _typed_frame(frame: gpd.GeoDataFrame, spec: LayerSpec, names: dict[str, dict[int, str]]) -> gpd.GeoDataFrame:
    """A chunk in the column types its GeoPackage fields take, whatever the chunk holds (a column all
    NULL in one chunk is still a number field); a ``point`` field as WKT, a ``ref`` with its name."""
    frame = frame.copy()
    for f in spec.fields:
        column = f.column
        if f.type == "point":
            geoms = gpd.GeoSeries(frame[column], crs=STORAGE_SRID)
            frame[f"{f.name}_wkt_epsg4326"] = geoms.to_wkt(rounding_precision=7).where(geoms.notna(), None)
            frame = frame.drop(columns=column)
        elif f.type == "float":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("float64")
        elif f.type in ("int", "bigint"):
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
        elif f.type == "ref":
            frame[column] = pd.to_numeric(frame[column], errors="coerce").astype("Int64")
            frame[f.name] = frame[column].map(names.get(f.ref, {})).astype(object)
        elif f.type == "bool":
            frame[column] = frame[column].astype("boolean")
        elif f.type == "datetime":
            frame[column] = pd.to_datetime(frame[column], utc=True)
        elif f.type == "date":
            frame[column] = frame[column].map(lambda d: d.isoformat() if isinstance(d, date) else None).astype(object)
        else:
            frame[column] = frame[column].astype(object).where(frame[column].notna(), None)
    frame["id"] = frame["id"].astype("int64")
    return frame


def _metadata(about: Mapping[str, str] | None) -> dict:
    """``pyogrio.write_dataframe``'s metadata arguments for ``about`` (none without it)."""
    return {"dataset_metadata": dict(about), "layer_metadata": dict(about)} if about else {}


def write_chunks(path: Path, layer: str, chunks: Iterable[gpd.GeoDataFrame], *, geometry_type: str,
                 empty: gpd.GeoDataFrame, about: Mapping[str, str] | None = None) -> int:
    """Write ``chunks`` as GeoPackage layer ``layer`` (``empty`` gives the fields when there is no
    chunk), with ``about`` as metadata; returns the features written."""
    written = 0
    # Each append reopens the file and GDAL's triggers keep the R-tree index current row by row:
    # about 4/5 of the write time at 10^6 points (bench_exports), the price of a file QGIS pans fast.
    for chunk in chunks:
        pyogrio.write_dataframe(chunk, path, layer=layer, driver="GPKG", geometry_type=geometry_type,
                                append=written > 0, promote_to_multi=geometry_type.startswith("Multi"),
                                **({} if written else _metadata(about)))
        written += len(chunk)
    if written == 0:
        pyogrio.write_dataframe(empty, path, layer=layer, driver="GPKG", geometry_type=geometry_type,
                                append=path.exists(), **_metadata(about))
    return written


def _empty(spec: LayerSpec, names) -> gpd.GeoDataFrame:
    columns = {"id": pd.Series([], dtype="int64")}
    for f in spec.fields:
        columns[f.column] = pd.Series([], dtype=object)
    frame = gpd.GeoDataFrame(columns, geometry=gpd.GeoSeries([], crs=STORAGE_SRID), crs=STORAGE_SRID)
    for f in spec.fields:
        if f.type == "point":
            frame[f.column] = gpd.GeoSeries([], crs=STORAGE_SRID)
    return _typed_frame(frame, spec, names)


def _layer_to(path: Path, session, spec: LayerSpec, where, *, chunk_rows: int, locale: str | None = None,
              about: Mapping[str, str] | None = None) -> int:
    names = {f.ref: layer_reads.names_by_id(session, layer_spec(f.ref), locale=locale)
             for f in spec.fields if f.type == "ref"}
    chunks: Iterator[gpd.GeoDataFrame] = (_typed_frame(c, spec, names) for c in
                                          exports.layer_chunks(session, spec, where=where, chunk_rows=chunk_rows,
                                                               locale=locale))
    return write_chunks(path, spec.name, chunks, geometry_type=GEOMETRY_TYPES[spec.geometry],
                        empty=_empty(spec, names), about=about)


def layer_gpkg(session, layer: str, *, viewer: Principal, directory: Path, bbox=None,
               chunk_rows: int = exports.CHUNK_ROWS, locale: str | None = None,
               about: Mapping[str, str] | None = None) -> Export:
    """The features of ``layer`` the viewer may see (within ``bbox``, lon/lat) as a GeoPackage whose
    one layer is named after it, places named in ``locale``'s language (``name_<lang>`` columns
    kept as stored), ``about`` (the rules in force) as its metadata; NotFound for an unknown layer,
    Forbidden as the layer API.

    Examples
    --------
    >>> layer_gpkg(session, "district", viewer=admin, directory=Path("/tmp")).layers  # doctest: +SKIP
    {'district': 8}
    """
    spec = layer_spec(layer)
    visible = scopes.layer_visible(spec.table, _scope(viewer, spec))
    where = layer_reads.layer_filters(spec, bbox=parse_bbox(bbox) if bbox is not None else None, visible=visible)
    path = Path(directory) / f"{spec.name}.gpkg"
    written = _layer_to(path, session, spec, where, chunk_rows=chunk_rows, locale=locale, about=about)
    return Export(path, f"kuzet-{spec.name.replace('_', '-')}-{date.today().isoformat()}.gpkg", {spec.name: written})


def selection_gpkg(session, selection: Selection, *, viewer: Principal, directory: Path, bbox=None,
                   max_vertices: int | None = None, chunk_rows: int = exports.CHUNK_ROWS,
                   about: Mapping[str, str] | None = None) -> Export:
    """The incidents of a hot spot selection (time, weekdays, hours, categories, area, sources) as a
    GeoPackage layer ``incident`` (``about`` as its metadata, as ``layer_gpkg``); ``bbox`` narrows it
    further. For the police staff only."""
    may_read(viewer)
    spec = layer_spec("incident")
    _area, geometry = (resolve_area(session, selection.area, max_vertices) if max_vertices is not None
                       else resolve_area(session, selection.area))
    where = exports.selection_where(selection_filter(selection, geometry))
    if bbox is not None:
        where += layer_reads.layer_filters(spec, bbox=parse_bbox(bbox))
    path = Path(directory) / "selection.gpkg"
    written = _layer_to(path, session, spec, where, chunk_rows=chunk_rows, about=about)
    return Export(path, f"kuzet-incidents-{date.today().isoformat()}.gpkg", {"incident": written})


RUN_LAYERS = {"kde": "kde_surface", "gi_star": "hotspot_cells", "local_moran": "hotspot_cells",
              "emerging": "emerging_cells"}


def run_gpkg(session, run_id: int, *, viewer: Principal, directory: Path,
             about: Mapping[str, str] | None = None) -> Export:
    """A stored run as a GeoPackage: its cells with their statistics (layer ``hotspot_cells``, or
    ``kde_surface`` for a KDE run: the surface's cells as polygons), a table ``run`` of one row
    with the run's method, selection, parameters and summary (JSON texts), ``about`` as metadata
    (as ``layer_gpkg``). NotFound if no run."""
    run = _stored(session, run_id, viewer)
    cells = _typed(runs.run_cells(session, run_id))
    cells["class"] = cells["class"].astype("Int64")
    cells["quadrant"] = cells["quadrant"].astype(object)
    cells["run_id"] = run.id
    cells = gpd.GeoDataFrame(emerging.with_stored(cells, session, run, wide=True), crs=cells.crs)  # pattern, series
    name = RUN_LAYERS.get(run.method, "cells")
    path = Path(directory) / f"run-{run.id}.gpkg"
    # the polygons of a grid, or the multipolygons of districts: one type for the layer
    multi = bool(cells.geom_type.str.startswith("Multi").any())
    pyogrio.write_dataframe(cells, path, layer=name, driver="GPKG",
                            geometry_type="MultiPolygon" if multi else "Polygon", promote_to_multi=multi,
                            **_metadata(about))
    run_row = pd.DataFrame([{
        "run_id": run.id, "method": run.method, "created_at": run.created_at and run.created_at.isoformat(),
        "created_by": run.created_by, "incidents": run.incident_count, "cells": run.cell_count,
        "selection": json.dumps(run.selection, ensure_ascii=False, default=str),
        "parameters": json.dumps(run.parameters, ensure_ascii=False, default=str),
        "summary": json.dumps(run.summary, ensure_ascii=False, default=str)}])
    pyogrio.write_dataframe(run_row, path, layer="run", driver="GPKG", append=True,
                            **({"layer_metadata": dict(about)} if about else {}))
    return Export(path, f"kuzet-analysis-{run.id}-{run.method.replace('_', '-')}.gpkg", {name: len(cells), "run": 1})



def selection_choices(session, *, viewer: Principal, locale: str | None = None) -> dict:
    """What a selection of incidents to download may name: categories with counts, districts (in
    ``locale``'s language where they have a name in it), patrol zones, and the first and last incident;
    for the police staff only."""
    may_read(viewer)
    first, last = incidents.time_range(session)
    return {"categories": incidents.category_counts(session),
            "districts": incidents.area_names(session, "district", locale=locale),
            "patrol_zones": incidents.area_names(session, "patrol_zone"), "first": first, "last": last}
