"""The statistics step of a hot spot run: selected incidents in, the run's cells and findings out.

The computation is ``geo.analysis``'s (``cells`` to count, ``hotspots`` for Gi*, Local Moran,
``global_moran_summary`` and ``quadrants``, ``kde`` for the surface and ``density_bands``); this
step reads the district or patrol zone polygons when they are the cells, keeps a run within its
size limits and puts the findings in the stored shape.

Cells come out in the stored shape (``geo.db.analysis_runs.CELL_COLUMNS`` and geometry): ``value``
is Gi*, Local Moran's I or, for a kernel density, the lower density of a contour band; ``p`` is the
p-value that went into the Benjamini-Hochberg FDR (the permutation one when permutations were asked).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy.orm import Session

from ...analysis.cells import cell_neighbours, grid_counts, polygon_counts
from ...analysis.hotspots import (CONFIDENCE, confidence_class, gi_star, global_moran_summary, local_moran,
                                 quadrants)
from ...analysis.kde import density_bands, kde, support_m
from ...crs import STORAGE_CRS, metric_crs_for
from ...db import incidents as db
from ...errors import InvalidInput
from .options import Parameters

MIN_CELLS = 9  # fewer cells cannot hold a cluster and its surroundings
MAX_GRID_CELLS = 250_000  # a run stays interactive and its cells storable in about a second
MAX_KDE_NODES = 4_000_000
ALPHA = 0.05  # Local Moran clusters and outliers: FDR-adjusted p below this
KDE_BANDS = 5
UNIT_KM2 = "incidents per km²"


@dataclass(frozen=True)
class Found:
    cells: gpd.GeoDataFrame
    summary: dict


def run(session: Session, incidents: gpd.GeoDataFrame, params: Parameters, area, *,
        on_step: Callable[[], object], top: int = 10) -> Found:
    """Aggregate and test ``incidents`` with ``params.method``; ``area`` (EPSG:4326 geometry or None)
    bounds the grid."""
    method = params.method
    if method == "kde":
        return _density(incidents, params, area, on_step)
    counted, names, outside = _counted(session, incidents, params, area)
    on_step()
    w = cell_neighbours(counted, method=params.neighbours, distance_m=params.distance_m)
    options = {"neighbours": w, "row_standardise": params.weights == "row",
               "permutations": params.permutations, "seed": params.seed}
    if method == "gi_star":
        out = gi_star(counted, **options)
        cells = _cells(counted, out["gi"], out["gi_z"], out.get("gi_p_sim", out["gi_p"]), out["gi_p_fdr"],
                       out["gi_class"], None, out["island"])
        hot = cells[cells["class"] > 0].sort_values("z", ascending=False)
        classes = {str(c): int((cells["class"] == c).sum()) for c in (3, 2, 1, 0, -1, -2, -3)}
    else:
        out = local_moran(counted, alpha=ALPHA, **options)
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
        "global_moran": global_moran_summary(counted["count"], w),
        "top": [_hot_spot(row, names) for row in hot.head(top).to_dict("records")],
    }
    return Found(cells, summary)


def _counted(session: Session, incidents: gpd.GeoDataFrame, params: Parameters, area):
    """Counts per cell with ``cell_id``; names of polygons by cell id; incidents outside every cell."""
    if params.aggregation in ("square", "hexagon"):
        estimate = _nodes(incidents, area, params.cell_size_m)
        if estimate > MAX_GRID_CELLS:
            raise InvalidInput(f"cells of {params.cell_size_m:g} m would make about {estimate:,} cells over this "
                               f"area (at most {MAX_GRID_CELLS:,}); choose larger cells or a smaller area")
        counted = grid_counts(incidents, cell_size_m=params.cell_size_m, shape=params.aggregation, area=area)
        if len(counted) < MIN_CELLS:
            raise InvalidInput(f"cells of {params.cell_size_m:g} m make only {len(counted)} cells over this area "
                               f"(at least {MIN_CELLS}); choose smaller cells")
        return counted, {}, int(counted.attrs["grid"]["outside"])
    polygons = db.area_polygons(session, params.aggregation, within=area)
    label = params.aggregation.replace("_", " ")
    if len(polygons) < 4:
        raise InvalidInput(f"only {len(polygons)} {label} polygon(s) meet this area; hot spots need at least 4")
    counted = polygon_counts(incidents, polygons)
    counted["cell_id"] = counted["id"].astype(int)
    return counted, dict(zip(counted["cell_id"], counted["name"])), int(len(incidents) - counted["count"].sum())


def _nodes(incidents: gpd.GeoDataFrame, area, cell_size_m: float, pad_m: float = 0.0) -> int:
    """About how many cells of ``cell_size_m`` a grid over the area (or the incidents) would hold."""
    shape = area if area is not None else shapely.box(*incidents.total_bounds)
    extent = gpd.GeoDataFrame(geometry=[shape], crs=STORAGE_CRS)
    minx, miny, maxx, maxy = extent.to_crs(metric_crs_for(extent)).total_bounds
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


def _density(incidents: gpd.GeoDataFrame, params: Parameters, area, on_step) -> Found:
    pad = 0.0 if area is not None else support_m(params.bandwidth_m, params.kernel)
    estimate = _nodes(incidents, area, params.cell_size_m, pad)
    if estimate > MAX_KDE_NODES:
        raise InvalidInput(f"cells of {params.cell_size_m:g} m would make about {estimate:,} density cells over "
                           f"this area (at most {MAX_KDE_NODES:,}); choose larger cells or a smaller area")
    surface = kde(incidents, bandwidth_m=params.bandwidth_m, cell_size_m=params.cell_size_m,
                  kernel=params.kernel, area=area)
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
        "cells": n, "islands": 0, "outside": 0, "unit": UNIT_KM2,
        "density": {"peak_km2": peak_density, "mass": surface.mass(), "kernel": surface.kernel,
                    "bandwidth_m": surface.bandwidth_m, "cell_size_m": surface.cell_size_m,
                    "grid": list(surface.density.shape), "metric_crs": surface.crs.to_string()},
        "bands": [{"band": int(b), "min_km2": float(lo), "max_km2": float(hi), "area_km2": float(a)}
                  for b, lo, hi, a in zip(bands["band"], bands["level_min"], bands["level_max"], bands["area_km2"])],
        "top": [{"lon": float(peak.x), "lat": float(peak.y), "density_km2": peak_density}],
    }
    return Found(cells, summary)
