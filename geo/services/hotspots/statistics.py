"""The statistics step of a hot spot run: selected incidents in, the run's cells and findings out.

The computation is ``geo.analysis``'s (``cells`` to count, ``hotspots`` for Gi*, Local Moran,
``global_moran_summary`` and ``quadrants``, ``kde`` for the surface and ``density_bands``,
``weights_file`` for a set's GAL/GWT neighbours); this step reads the district, patrol zone or
analysis area polygons when they are the cells, keeps a run within its size limits (a kernel
density whose cell size was left to kuzet gets cells coarse enough) and puts the findings in the
stored shape. A weighted run tests the sum of the incidents' weights per cell instead of their count.

Cells come out in the stored shape (``geo.db.analysis_runs.CELL_COLUMNS`` and geometry): ``value``
is Gi*, Local Moran's I or, for a kernel density, the lower density of a contour band; ``p`` is the
p-value that went into the Benjamini-Hochberg FDR (the permutation one when permutations were asked).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from sqlalchemy.orm import Session

from ...analysis.cells import cell_neighbours, extent_of, lay_cells
from ...analysis.hotspots import (CONFIDENCE, confidence_class, gi_star, global_moran_summary, local_moran,
                                 quadrants)
from ...analysis.kde import (DensitySurface, bins_from_shares, density_bands, density_grid, reach_of, smooth_bins,
                             support_m)
from ...analysis.weights_file import neighbour_matrix, read_weights, unmatched
from ...crs import STORAGE_CRS, check_covers, metric_crs, metric_crs_for
from ...db import aggregate
from ...db import analysis_areas as area_sets
from ...db import incidents as db
from ...errors import InvalidInput
from ...messages import N_, Message
from . import emerging
from .options import GRIDS, Parameters, area_kind

MIN_CELLS = 9  # fewer cells cannot hold a cluster and its surroundings
MAX_GRID_CELLS = 250_000  # a run stays interactive and its cells storable in about a second
MAX_KDE_NODES = 4_000_000
ALPHA = 0.05  # Local Moran clusters and outliers: FDR-adjusted p below this
KDE_BANDS = 5
UNIT_KM2 = "incidents per km²"
UNIT_WEIGHT_KM2 = "weight per km²"  # a weighted density: the sum of the incidents' weights


@dataclass(frozen=True)
class Found:
    cells: gpd.GeoDataFrame
    summary: dict
    parameters: Parameters  # as run: a kernel density's default cell size may have grown
    emerging: object | None = None  # an emerging run's per-cell series (emerging.EmergingCells)


def run(session: Session, chosen: aggregate.SelectionFilter, totals: aggregate.Totals, params: Parameters, area,
        *, extent=None, on_step: Callable[[], object], top: int = 10) -> Found:
    """Aggregate the ``chosen`` incidents in PostGIS and test them with ``params.method``; ``totals``
    are the selection's (``geo.db.aggregate.totals``), ``area`` (EPSG:4326 geometry or None) limits
    the polygons counted into, ``extent`` (EPSG:4326 geometry, or None for the incidents' bounds) is
    what a grid covers."""
    method = params.method
    if method == "kde":
        return _density(session, chosen, totals, params, extent, on_step)
    counted, names, outside = _counted(session, chosen, totals, params, area, extent)
    on_step()
    w = _neighbours(session, counted, params)
    if method == "emerging":
        srid = _srid(CRS.from_user_input(counted.attrs["grid"]["metric_crs"]))
        cells, summary, extra = emerging.run(session, chosen, counted, w, params, srid=srid, on_step=on_step, top=top)
        return Found(cells, summary, params, extra)
    column = "weight_sum" if params.weight_field else "count"
    options = {"neighbours": w, "row_standardise": params.weights == "row",
               "permutations": params.permutations, "seed": params.seed}
    if method == "gi_star":
        out = gi_star(counted, column=column, **options)
        cells = _cells(counted, out["gi"], out["gi_z"], out.get("gi_p_sim", out["gi_p"]), out["gi_p_fdr"],
                       out["gi_class"], None, out["island"])
        hot = cells[cells["class"] > 0].sort_values("z", ascending=False)
        classes = {str(c): int((cells["class"] == c).sum()) for c in (3, 2, 1, 0, -1, -2, -3)}
    else:
        out = local_moran(counted, column=column, alpha=ALPHA, **options)
        cls = confidence_class(out["lisa_z"].to_numpy(), out["lisa_p_fdr"].to_numpy())
        cells = _cells(counted, out["lisa_i"], out["lisa_z"], out.get("lisa_p_sim", out["lisa_p"]),
                       out["lisa_p_fdr"], cls, out["quadrant"].where(out["quadrant"] != "", None), out["island"])
        hot = cells[(cells["quadrant"] == "HH") & (cells["p_fdr"] < ALPHA)].sort_values("z", ascending=False)
        classes = out["lisa_cluster"].value_counts().to_dict()
    on_step()
    tested = cells["p_fdr"].notna()
    summary = {
        "cells": len(cells), "islands": int(cells["island"].sum()), "outside": outside,
        "grid": counted.attrs.get("grid"), "classes": classes,
        "fdr": {"method": "Benjamini-Hochberg", "tested": int(tested.sum()),
                "p_value": "permutation" if params.permutations else "analytic",
                # a pseudo p-value cannot fall below 2/(P+1): too few permutations find nothing after FDR
                **({"smallest_p": 2 / (params.permutations + 1)} if params.permutations else {}),
                "significant": {f"{round((1 - a) * 100)}": int((cells["p_fdr"] < a).sum()) for _c, a in CONFIDENCE},
                **({"alpha": ALPHA} if method == "local_moran" else {})},
        "global_moran": global_moran_summary(counted[column], w),
        "top": [_hot_spot(row, names) for row in hot.head(top).to_dict("records")],
        **({"weight_field": params.weight_field} if params.weight_field else {}),
    }
    return Found(cells, summary, params)


def cell_count(session: Session, chosen: aggregate.SelectionFilter, totals: aggregate.Totals, params: Parameters,
               area, extent) -> int:
    """How many cells a run of ``params`` would test (its islands left out), counted as the run counts."""
    counted, _names, _outside = _counted(session, chosen, totals, params, area, extent)
    w = _neighbours(session, counted, params)
    return int((np.asarray(w.sum(axis=1)).ravel() > 0).sum())


def _crs(params: Parameters, bounds, extent=None) -> CRS | None:
    """The run's CRS (None: the UTM zone of the extent), checked to cover ``extent`` or else ``bounds``
    (lon/lat of the incidents, or a GeoDataFrame of cells)."""
    if params.crs is None:
        return None
    crs = metric_crs(params.crs)
    if isinstance(bounds, gpd.GeoDataFrame):
        bounds = tuple(bounds.to_crs(STORAGE_CRS).total_bounds)
    check_covers(crs, extent.bounds if extent is not None else bounds)
    return crs


def _counted(session: Session, chosen: aggregate.SelectionFilter, totals: aggregate.Totals, params: Parameters,
             area, extent):
    """Counts (and weight sums) per cell with ``cell_id``, counted in PostGIS; names of polygons by
    cell id; incidents outside every cell."""
    weighted = params.weight_field is not None
    if params.aggregation in GRIDS:
        crs = _crs(params, totals.bounds, extent)
        estimate = _nodes(totals.bounds, extent, params.cell_size_m, crs=crs)
        if estimate > MAX_GRID_CELLS:
            raise InvalidInput(Message("statistics.cells-would-make-2",
                                       N_("cells of %(cell_size_m)g m would make about %(estimate)s cells over "
                                          "this area (at most %(MAX_GRID_CELLS)s); choose larger cells or a "
                                          "smaller area"),
                                       cell_size_m=params.cell_size_m, estimate=format(estimate, ','),
                                       MAX_GRID_CELLS=format(MAX_GRID_CELLS, ',')))
        grid = lay_cells(extent_of(totals.bounds, extent), cell_size_m=params.cell_size_m, shape=params.aggregation,
                         crs=crs, origin=params.origin or (0.0, 0.0))
        keys = aggregate.grid_keys(session, chosen, srid=_srid(grid.crs), cell_size_m=grid.cell_size_m,
                                   shape=grid.shape, origin=grid.origin)
        counted = grid.counted(keys["row"], keys["col"], keys["count"], keys["weight_sum"] if weighted else None)
        if len(counted) < MIN_CELLS:
            raise InvalidInput(Message("statistics.cells-make-only",
                                       N_("cells of %(cell_size_m)g m make only %(count)s cells over this area (at "
                                          "least %(MIN_CELLS)s); choose smaller cells"),
                                       cell_size_m=params.cell_size_m, count=len(counted), MIN_CELLS=MIN_CELLS))
        return counted, {}, int(counted.attrs["grid"]["outside"])
    set_name = None
    if params.aggregation == "analysis_area":
        set_name = params.area_set
        polygons = area_sets.area_polygons(session, params.area_set, within=area)
        if polygons.empty and not area_sets.stored_sets(session, [params.area_set]):
            known = ", ".join(s["name"] for s in area_sets.area_sets(session)) or "none is imported yet"
            raise InvalidInput(Message("statistics.there-no-set-analysis",
                                       N_("there is no set of analysis areas called %(area_set)r; sets: %(known)s"),
                                       area_set=params.area_set, known=known))
        label = Message("statistics.area-set-label", N_("analysis area (%(area_set)s)"), area_set=params.area_set)
    else:
        polygons = db.area_polygons(session, params.aggregation, within=area)
        label = area_kind(params.aggregation)
    if len(polygons) < 4:
        raise InvalidInput(Message("statistics.only-polygon-meet",
                                   N_("only %(count)s %(label)s polygon(s) meet this area; hot spots need at least "
                                      "4"),
                                   count=len(polygons), label=label))
    keyed = aggregate.polygon_keys(session, chosen, params.aggregation, polygons["id"].tolist(), set_name=set_name)
    counted = polygons.to_crs(STORAGE_CRS).reset_index(drop=True)
    ids = counted["id"].astype(int).tolist()
    counted["count"] = np.array([keyed.get(i, (0, 0.0))[0] for i in ids], dtype=np.int64)
    if weighted:
        counted["weight_sum"] = np.array([keyed.get(i, (0, 0.0))[1] for i in ids], dtype=float)
    counted["cell_id"] = counted["id"].astype(int)
    return counted, dict(zip(counted["cell_id"], counted["name"])), int(totals.count - counted["count"].sum())


def _srid(crs: CRS) -> int:
    code = crs.to_epsg()
    if code is None:
        raise InvalidInput(Message("statistics.has-no-epsg-code",
                                   N_("%(crs_name)s has no EPSG code; choose a CRS by its EPSG code"),
                                   crs_name=crs.name))
    return code


def _neighbours(session: Session, counted: gpd.GeoDataFrame, params: Parameters):
    """Who neighbours whom: grid or polygon contiguity, a distance band, or the set's weights file."""
    if params.neighbours != "file":
        return cell_neighbours(counted, method=params.neighbours, distance_m=params.distance_m,
                               crs=_crs(params, counted))
    stored = area_sets.weights_of(session, params.area_set)
    if stored is None:
        raise InvalidInput(Message("statistics.set-was-imported",
                                   N_("the set %(area_set)r was imported without a weights file; choose queen, "
                                      "rook or distance neighbours"),
                                   area_set=params.area_set))
    w = read_weights(stored.body, stored.format)
    ids = [str(i) for i in counted["external_id"]]
    problem = unmatched(w, ids) if len(ids) == len(w.id_order) else None
    if problem is not None:  # areas changed since the file came: it no longer describes them
        raise InvalidInput(Message("statistics.weights-file-set",
                                   N_("the weights file of set %(area_set)r does not match its areas: %(problem)s"),
                                   area_set=params.area_set, problem=problem))
    return neighbour_matrix(w, ids)


def _nodes(bounds, extent, cell_size_m: float, pad_m: float = 0.0, *, crs: CRS | None = None) -> int:
    """About how many cells of ``cell_size_m`` a grid over the extent (or the incidents' lon/lat
    ``bounds``) would hold."""
    shape = extent if extent is not None else shapely.box(*bounds)
    frame = gpd.GeoDataFrame(geometry=[shape], crs=STORAGE_CRS)
    minx, miny, maxx, maxy = frame.to_crs(crs or metric_crs_for(frame)).total_bounds
    nx = (maxx - minx + 2 * pad_m) / cell_size_m + 1
    ny = (maxy - miny + 2 * pad_m) / cell_size_m + 1
    return int(np.ceil(nx) * np.ceil(ny))


def _cells(counted, value, z, p, p_fdr, cls, quadrant, island) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "cell_id": counted["cell_id"].astype(int).to_numpy(), "count": counted["count"].astype(float).to_numpy(),
        "value": np.asarray(value, dtype=float), "z": np.asarray(z, dtype=float), "p": np.asarray(p, dtype=float),
        # an island is left out of the test: no class rather than "not significant"
        "p_fdr": np.asarray(p_fdr, dtype=float),
        "class": np.where(np.asarray(island, dtype=bool), np.nan, np.asarray(cls, dtype=float)),
        "quadrant": quadrants(np.full(len(counted), None) if quadrant is None else np.asarray(quadrant, dtype=object)),
        "island": np.asarray(island, dtype=bool)}, geometry=counted.geometry.to_numpy(), crs=STORAGE_CRS)


def _surface(session: Session, chosen: aggregate.SelectionFilter, totals: aggregate.Totals, params: Parameters,
             extent) -> DensitySurface:
    """``geo.analysis.kde.kde`` of the chosen incidents, their linear binning summed in PostGIS."""
    cell, bandwidth, kernel = params.cell_size_m, params.bandwidth_m, params.kernel
    if bandwidth <= 0 or cell <= 0:
        raise InvalidInput(Message("kde.bandwidth-cell-size",
                                   N_("bandwidth and cell size must be positive numbers of metres")))
    if kernel not in ("quartic", "gaussian"):
        raise InvalidInput(Message("kde.unknown-kernel-quartic",
                                   N_("unknown kernel %(kernel)r; use 'quartic' or 'gaussian'"),
                                   kernel=kernel))
    frame = extent_of(totals.bounds, extent)
    crs = _crs(params, totals.bounds, extent) or metric_crs_for(frame)
    srid = _srid(crs)
    bounds_m = (tuple(frame.to_crs(crs).total_bounds) if extent is not None
                else aggregate.metric_bounds(session, chosen, srid))
    if not np.isfinite(bounds_m).all():
        raise InvalidInput(Message("cells.cannot-project-area",
                                   N_("%(crs_name)s cannot project this area; choose a CRS meant for it"),
                                   crs_name=crs.name))
    pad = 0.0 if extent is not None else support_m(bandwidth, kernel)
    x0, y0, nx, ny = density_grid(bounds_m, cell_size_m=cell, pad_m=pad, origin=params.origin or (0.0, 0.0))
    reach = reach_of(bandwidth, kernel, cell)
    bins = aggregate.kde_bins(session, chosen, srid=srid, x0=x0, y0=y0, cell_size_m=cell, reach=reach,
                               weighted=params.weight_field is not None)
    binned = bins_from_shares(bins["ix"], bins["iy"], (bins["s00"], bins["s10"], bins["s01"], bins["s11"]),
                              nx=nx, ny=ny, reach=reach)
    density = smooth_bins(binned, nx=nx, ny=ny, cell_size_m=cell, bandwidth_m=bandwidth, kernel=kernel)
    return DensitySurface(density, x0, y0, float(cell), crs, float(bandwidth), kernel)


def _hot_spot(row: dict, names: dict) -> dict:
    centre = shapely.centroid(row["geometry"])
    spot = {"cell_id": int(row["cell_id"]), "count": float(row["count"]), "z": float(row["z"]),
            "p": float(row["p"]), "p_fdr": float(row["p_fdr"]), "class": int(row["class"]),
            "lon": float(centre.x), "lat": float(centre.y)}
    if isinstance(row["quadrant"], str):
        spot["quadrant"] = row["quadrant"]
    if names:
        spot["name"] = names.get(int(row["cell_id"]))
    return spot


def kde_cell_size(bounds, params: Parameters, extent) -> float:
    """The cell size of a kernel density: the one asked for, which must stay within MAX_KDE_NODES;
    or, left to kuzet, the default made coarser (to whole metres) until it does, never coarser
    than the bandwidth. ``bounds`` are the incidents' lon/lat bounds."""
    crs, cell = _crs(params, bounds, extent), params.cell_size_m
    pad = 0.0 if extent is not None else support_m(params.bandwidth_m, params.kernel)
    estimate = _nodes(bounds, extent, cell, pad, crs=crs)
    while estimate > MAX_KDE_NODES and params.cell_size_default and cell < params.bandwidth_m:
        cell = min(float(np.ceil(cell * np.sqrt(estimate / MAX_KDE_NODES) * 1.01)), params.bandwidth_m)
        estimate = _nodes(bounds, extent, cell, pad, crs=crs)
    if estimate > MAX_KDE_NODES:
        raise InvalidInput(Message("statistics.cells-would-make",
                                   N_("cells of %(cell)g m would make about %(estimate)s density cells over this "
                                      "area (at most %(MAX_KDE_NODES)s); choose larger cells or a smaller area"),
                                   cell=cell, estimate=format(estimate, ','),
                                   MAX_KDE_NODES=format(MAX_KDE_NODES, ',')))
    return cell


def _density(session: Session, chosen: aggregate.SelectionFilter, totals: aggregate.Totals, params: Parameters,
             extent, on_step) -> Found:
    params = replace(params, cell_size_m=kde_cell_size(totals.bounds, params, extent))
    surface = _surface(session, chosen, totals, params, extent)
    on_step()
    bands = density_bands(surface, n_levels=KDE_BANDS)
    n = len(bands)
    nothing = np.full(n, np.nan)
    cells = gpd.GeoDataFrame({
        "cell_id": np.arange(1, n + 1), "count": nothing, "value": bands["level_min"].to_numpy(float),
        "z": nothing, "p": nothing, "p_fdr": nothing, "class": nothing,
        "quadrant": quadrants(np.full(n, None)), "island": np.zeros(n, dtype=bool)},
        geometry=bands.geometry.to_numpy(), crs=STORAGE_CRS)
    peak = surface.peak()
    peak_density = float(surface.density.max())
    on_step()
    summary = {
        "cells": n, "islands": 0, "outside": 0, "unit": UNIT_WEIGHT_KM2 if params.weight_field else UNIT_KM2,
        "density": {"peak_km2": peak_density, "mass": surface.mass(), "kernel": surface.kernel,
                    "bandwidth_m": surface.bandwidth_m, "cell_size_m": surface.cell_size_m,
                    "grid": list(surface.density.shape), "metric_crs": surface.crs.to_string()},
        "bands": [{"band": int(b), "min_km2": float(lo), "max_km2": float(hi), "area_km2": float(a)}
                  for b, lo, hi, a in zip(bands["band"], bands["level_min"], bands["level_max"], bands["area_km2"])],
        "top": [{"lon": float(peak.x), "lat": float(peak.y), "density_km2": peak_density}],
        **({"weight_field": params.weight_field} if params.weight_field else {}),
    }
    return Found(cells, summary, params)
