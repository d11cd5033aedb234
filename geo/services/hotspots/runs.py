"""Stored hot spot runs: reopen, list, compare, export; the selection's incidents over time; the analyst's page.

Stored runs and incident series are for the police staff (``geo.access.POLICE_STAFF``), never for
formation leaders; the analyst's page is for analysts.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace

import geopandas as gpd
import pandas as pd
from sqlalchemy.orm import Session

from ...access import ANALYSTS, POLICE_STAFF, Principal, require
from ...analysis.hotspots import quadrants
from ...db import analysis_areas as area_sets
from ...db import aggregate
from ...db import analysis_runs as runs
from ...db import incidents as db
from ...db import tiles
from ...errors import InvalidInput, NotFound
from ...messages import N_, Message
from ...settings import SERIES_MAX_DAYS, VectorTileSettings, ZoneLimits
from . import emerging
from .statistics import ALPHA
from .run import HotspotResult, resolve_area, selection_filter, series_of_buckets
from .options import Selection
from ..layers.features import layer_features
from ..layers.tiles import check_tile

FLOAT_COLUMNS = ("count", "value", "z", "p", "p_fdr", "class")
MAX_RUNS_PAGE = 500


def _stored(session: Session, run_id: int, viewer: Principal):
    require(viewer, *POLICE_STAFF)
    run = runs.get_run(session, run_id)
    if run is None:
        raise NotFound(Message("runs.no-analysis-run", N_("no analysis run %(run_id)s"), run_id=run_id))
    return run


def _typed(cells: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Stored cells in the dtypes a fresh run has (NULL as NaN or None)."""
    cells = cells.copy()
    cells["cell_id"] = cells["cell_id"].astype(int)
    for column in FLOAT_COLUMNS:
        cells[column] = pd.to_numeric(cells[column], errors="coerce").astype(float)
    cells["quadrant"] = quadrants(cells["quadrant"].astype(object).where(cells["quadrant"].notna(), None))
    cells["island"] = cells["island"].astype(bool)
    return cells


def _result(run, cells: gpd.GeoDataFrame) -> HotspotResult:
    return HotspotResult(run.id, run.method, cells, run.summary, run.parameters, run.selection, run.created_by,
                         run.created_at, run.duration_ms)


def analysis_run(session: Session, run_id: int, *, viewer: Principal) -> HotspotResult:
    """A stored run with its cells, as :func:`geo.services.hotspots.hotspots` returned it; NotFound if none."""
    run = _stored(session, run_id, viewer)
    return _result(run, _typed(runs.run_cells(session, run_id)))


def run_summary(session: Session, run_id: int, *, viewer: Principal) -> dict:
    """A stored run without its cells (as ``HotspotResult.as_json``); NotFound if none."""
    return _result(_stored(session, run_id, viewer), gpd.GeoDataFrame(geometry=[], crs=4326)).as_json()


@dataclass(frozen=True)
class RunCells:
    """What a map says of a run's cells without holding them: how many there are, how many of each
    Gi* class, how many of each quadrant significant at ``ALPHA`` (Local Moran), and their extent."""

    total: int
    classes: dict[int, int]
    quadrants: dict[str, int]
    bounds: tuple[float, float, float, float] | None


def run_cells(session: Session, run_id: int) -> RunCells:
    """The :class:`RunCells` of a stored run (counted in PostGIS; the caller has checked access)."""
    classes: dict[int, int] = {}
    significant: dict[str, int] = {}
    total = 0
    for row in runs.cell_tally(session, run_id, alpha=ALPHA):
        total += row.n
        if row.class_ is not None:
            classes[int(row.class_)] = classes.get(int(row.class_), 0) + row.n
        if row.quadrant is not None and row.significant:
            significant[row.quadrant] = significant.get(row.quadrant, 0) + row.n
    return RunCells(total, classes, significant, runs.cell_extent(session, run_id))


def run_tile(session: Session, run_id: int, z: int, x: int, y: int, *, viewer: Principal,
             config: VectorTileSettings) -> bytes:
    """The vector tile z/x/y of a stored run's drawn cells (layer ``analysis``; b"" when none), read
    as the run is (police staff; NotFound if no such run); properties ``cell_id``, ``count``,
    ``value``, ``z``, ``p``, ``p_fdr``, ``class``, ``quadrant``."""
    run = _stored(session, run_id, viewer)
    check_tile(z, x, y, config)
    return tiles.run_tile(session, run.id, run.method, z, x, y, alpha=ALPHA)


def run_brief(run) -> dict:
    """One line of the list of runs."""
    area = (run.summary or {}).get("area") or {}
    return {"id": run.id, "method": run.method, "created_at": run.created_at and run.created_at.isoformat(),
            "created_by": run.created_by, "incidents": run.incident_count, "cells": run.cell_count,
            "islands": run.island_count, "duration_ms": run.duration_ms, "area": area.get("name") or area.get("kind"),
            "categories": (run.selection or {}).get("categories")}


def list_runs(session: Session, *, viewer: Principal, limit: int = 50, offset: int = 0) -> dict:
    """The newest runs first: ``{"runs": [...], "total": n}``."""
    require(viewer, *POLICE_STAFF)
    if not 1 <= limit <= MAX_RUNS_PAGE:
        raise InvalidInput(Message("runs.limit-between",
                                   N_("limit must be between 1 and %(MAX_RUNS_PAGE)s"),
                                   MAX_RUNS_PAGE=MAX_RUNS_PAGE))
    if offset < 0:
        raise InvalidInput(Message("features.offset-not-negative", N_("offset must not be negative")))
    found, total = runs.list_runs(session, limit=limit, offset=offset)
    return {"runs": [run_brief(r) for r in found], "total": total}


def _label(method: str, row, side: str) -> str:
    if method == "gi_star":
        value = getattr(row, f"class_{side}")
        return str(int(value)) if value is not None else "island"
    quadrant, p = getattr(row, f"quadrant_{side}"), getattr(row, f"p_fdr_{side}")
    if quadrant is None:
        return "island"
    return quadrant if p is not None and p < ALPHA else "ns"


def compare_runs(session: Session, run_a: int, run_b: int, *, viewer: Principal) -> dict:
    """Cells two Gi* or two Local Moran runs share (same polygon), and those whose class changed.

    A Gi* class is -3..3 (``"island"`` for an island); a Local Moran class is the quadrant where
    the FDR-adjusted p is below 0.05, else ``"ns"``.
    """
    a, b = _stored(session, run_a, viewer), _stored(session, run_b, viewer)
    if a.method != b.method or a.method in ("kde", "emerging"):
        raise InvalidInput(Message("runs.runs-compare-cell",
                                   N_("runs compare cell by cell when both are Gi* or both are Local Moran (run "
                                      "%(a_id)s is %(method)s, run %(b_id)s is %(method2)s)"),
                                   a_id=a.id, method=a.method, b_id=b.id, method2=b.method))
    pairs = runs.matched_cells(session, a.id, b.id)
    changed = []
    for row in pairs:
        before, after = _label(a.method, row, "a"), _label(a.method, row, "b")
        if before != after:
            changed.append({"cell_a": row.cell_a, "cell_b": row.cell_b, "from": before, "to": after,
                            "count_a": row.count_a, "count_b": row.count_b, "lon": row.lon, "lat": row.lat})
    return {"a": a.id, "b": b.id, "method": a.method, "shared": len(pairs), "changed": len(changed),
            "only_a": a.cell_count - len(pairs), "only_b": b.cell_count - len(pairs), "cells": changed}


def run_geojson(session: Session, run_id: int, *, viewer: Principal) -> dict:
    """A run's cells as a GeoJSON FeatureCollection (feature id = ``cell_id``), with the run's summary."""
    result = analysis_run(session, run_id, viewer=viewer)
    cells = gpd.GeoDataFrame(emerging.with_stored(result.cells, session, _stored(session, run_id, viewer), wide=False))
    collection = json.loads(cells.to_json(na="null", show_bbox=False, drop_id=True)) if len(cells) else \
        {"type": "FeatureCollection", "features": []}
    for feature in collection["features"]:
        feature["id"] = feature["properties"]["cell_id"]
        if feature["properties"]["class"] is not None:
            feature["properties"]["class"] = int(feature["properties"]["class"])
    collection["run"] = result.as_json()
    return collection


def run_csv(session: Session, run_id: int, *, viewer: Principal) -> str:
    """A run's cells as CSV, the header first: the run's id and method, the stored columns, a point
    inside each cell as ``lon_epsg4326``/``lat_epsg4326`` and the polygon as ``wkt_epsg4326``."""
    result = analysis_run(session, run_id, viewer=viewer)
    cells = gpd.GeoDataFrame(emerging.with_stored(result.cells, session, _stored(session, run_id, viewer), wide=True))
    table = pd.DataFrame(cells.drop(columns=cells.geometry.name))
    table.insert(0, "method", result.method)
    table.insert(0, "run_id", result.run_id)
    table["class"] = table["class"].astype("Int64")
    if table["count"].notna().all() and (table["count"] % 1 == 0).all():
        table["count"] = table["count"].astype("Int64")
    centres = cells.geometry.representative_point() if len(cells) else cells.geometry
    table["lon_epsg4326"], table["lat_epsg4326"] = centres.x.round(7), centres.y.round(7)
    table["wkt_epsg4326"] = cells.geometry.to_wkt(rounding_precision=7) if len(cells) else []
    return table.to_csv(index=False, lineterminator="\n")


def emerging_cell_series(session: Session, run_id: int, cell_id: int, *, viewer: Principal) -> dict:
    """One cell of a stored emerging hot spot run with its counts and Gi* z step by step, for a chart;
    NotFound when the run is not an emerging one or has no such cell."""
    run = _stored(session, run_id, viewer)
    found = emerging.cell_series(session, run, cell_id) if run.method == "emerging" else None
    if found is None:
        raise NotFound(Message("runs.no-emerging-cell",
                               N_("run %(run_id)s has no emerging hot spot cell %(cell_id)s"),
                               run_id=run_id, cell_id=cell_id))
    return found


def may_read(viewer: Principal) -> None:
    """Forbidden unless ``viewer`` may read stored runs and incident series (police staff)."""
    require(viewer, *POLICE_STAFF)


def incident_series(session: Session, selection: Selection = Selection(), *, viewer: Principal,
                    interval: str = "day", max_days: int = SERIES_MAX_DAYS,
                    max_vertices: int = ZoneLimits.max_vertices) -> dict:
    """Incidents of a selection per local day (``interval="day"``) or per hour of the day (``"hour"``).

    ``selection`` is the checked :class:`~geo.services.hotspots.options.Selection` a hot spot run
    takes (by default every incident, in the default time zone). Each bucket says how many of its
    incidents are synthetic demo data.
    """
    may_read(viewer)
    if interval not in ("day", "hour"):
        raise InvalidInput(Message("runs.unknown-interval-day",
                                   N_("unknown interval %(interval)r; use 'day' or 'hour' (hour of the day)"),
                                   interval=interval))
    if selection.start and selection.end and (selection.end - selection.start).days > max_days:
        raise InvalidInput(Message("runs.start-end-spans",
                                   N_("start..end spans %(days)s days; a series counts at most %(max_days)s "
                                      "(choose a shorter span)"),
                                   days=format((selection.end - selection.start).days, ','),
                                   max_days=format(max_days, ',')))
    _area, geometry = resolve_area(session, selection.area, max_vertices)
    chosen = selection_filter(selection, geometry)
    buckets = aggregate.time_buckets(session, chosen)
    series = series_of_buckets(buckets, selection.timezone, selection.start, selection.end, max_days=max_days,
                               refine=lambda seconds: aggregate.time_buckets(session, chosen, seconds=seconds))
    total, synthetic = int(buckets["count"].sum()), int(buckets["synthetic"].sum())
    if interval == "day":
        buckets = [{"t": d, "count": n, "synthetic": s}
                   for d, n, s in zip(series["days"], series["per_day"], series["synthetic_per_day"])]
    else:
        buckets = [{"t": h, "count": n, "synthetic": s}
                   for h, (n, s) in enumerate(zip(series["per_hour"], series["synthetic_per_hour"]))]
    return {"interval": interval, "timezone": selection.timezone, "total": total,
            "synthetic": synthetic, "selection": selection.as_json(), "buckets": buckets}


def analyst_choices(session: Session, *, viewer: Principal, locale: str | None = None) -> dict:
    """What the analyst's form offers: categories with counts, districts, patrol zones, the time span,
    and the sets of analysis areas (name, number of areas, the format of their weights file or None);
    districts are named in ``locale``'s language where they have a name in it."""
    require(viewer, *ANALYSTS)
    first, last = db.time_range(session)
    return {"categories": db.category_counts(session),
            "districts": db.area_names(session, "district", locale=locale),
            "patrol_zones": db.area_names(session, "patrol_zone"), "first": first, "last": last,
            "sources": db.source_counts(session), "extent": db.extent(session),
            "area_sets": area_sets.area_sets(session)}


@dataclass(frozen=True)
class AnalystPage:
    """What the analyst's page shows: the form's choices, districts, recent runs, a run (its map draws
    the patrol zones and the run's cells from their vector tiles)."""

    choices: dict
    districts: gpd.GeoDataFrame
    recent: list[dict]
    run: HotspotResult | None  # without its cells: the map draws them from the run's tiles
    cells: RunCells | None = None


# How far from a hot cell's centre a public place may lie and still name it ("near ...").
NEAR_M = 400.0


def _with_places(session: Session, run: HotspotResult, locale: str | None) -> HotspotResult:
    """The run with each grid hot spot of its summary named by the nearest public place (within
    ``NEAR_M``) and the district holding its centre, in ``locale``'s language; polygons keep their name."""
    top = run.summary.get("top") or []
    if run.method == "kde" or not top or any(spot.get("name") for spot in top):
        return run
    near = runs.places_near(session, [(spot["lon"], spot["lat"]) for spot in top], within_m=NEAR_M, locale=locale)
    summary = {**run.summary, "top": [{**spot, **names} for spot, names in zip(top, near)]}
    return replace(run, summary=summary)


def analyst_page(session: Session, *, viewer: Principal, run_id: int | None = None, limit: int = 1000,
                 recent: int = 8, locale: str | None = None) -> AnalystPage:
    """Everything the page needs in one session (places named in ``locale``'s language); NotFound when
    ``run_id`` names no run. The run comes without its cells (its map draws them from :func:`run_tile`),
    with their :class:`RunCells`."""
    choices = analyst_choices(session, viewer=viewer, locale=locale)
    run = cells = None
    if run_id is not None:
        stored = _stored(session, run_id, viewer)
        run, cells = _result(stored, gpd.GeoDataFrame(geometry=[], crs=4326)), run_cells(session, stored.id)
        run = _with_places(session, run, locale)
    return AnalystPage(choices, layer_features(session, "district", viewer=viewer, limit=limit, locale=locale).frame,
                       list_runs(session, viewer=viewer, limit=recent)["runs"], run, cells)
