"""The statistics step of an emerging hot spot run: the space–time cube counted in PostGIS
(``geo.db.cube``), tested by ``geo.analysis.emerging``, put in the stored shape.

A run's cells are those of its grid (``statistics._counted``: the same cells, checks and limits as a
Gi* run). The cube's steps run from the step holding the selection's ``start`` (else its first
incident) to the one holding its last instant (``end``, else its last incident), every step kept,
empty ones too. In ``analysis_cell`` an emerging cell stores its total ``count``, the Mann–Kendall
z and p of its counts (``z``, ``p``) and Kendall's tau of them (``value``); its pattern, the trend
of its Gi* z series and its series per step go to ``emerging_cell``.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy.orm import Session

from ...analysis.emerging import ALPHA, FREQUENCIES, PATTERN_NAMES, emerging_hot_spots
from ...crs import STORAGE_CRS
from ...db import aggregate, cube
from ...db import emerging_cells as stored
from ...errors import InvalidInput
from ...messages import N_, Message
from ...analysis.hotspots import quadrants
from .options import Parameters

MAX_STEPS = 400  # a cube's time steps (about a year of days, eight years of weeks)
MAX_BINS = 2_000_000  # cells × steps: the space–time weights stay within a few hundred MB


@dataclass(frozen=True)
class EmergingCells:
    """What ``emerging_cell`` stores of a run, cell by cell in the order of its cells."""

    cell_ids: np.ndarray
    patterns: np.ndarray
    trends: dict
    series: dict


def steps_of(session: Session, chosen: aggregate.SelectionFilter, step: str) -> pd.DatetimeIndex:
    """The local starts of the cube's steps (see the module)."""
    zone = chosen.timezone
    bounds = cube.local_step_bounds(session, chosen, step=step)
    first, last = bounds if bounds is not None else (None, None)
    if chosen.base.start is not None:
        first = cube.local_start(session, chosen.base.start, step=step, timezone=zone)
    if chosen.base.end is not None:
        last = cube.local_start(session, chosen.base.end - pd.Timedelta(microseconds=1), step=step, timezone=zone)
    return pd.date_range(pd.to_datetime(first, unit="s"), pd.to_datetime(last, unit="s"), freq=FREQUENCIES[step])


def counted_cube(session: Session, chosen: aggregate.SelectionFilter, counted: gpd.GeoDataFrame,
                 params: Parameters, *, srid: int) -> tuple[np.ndarray, pd.DatetimeIndex]:
    """The ``steps × cells`` counts of the run's cells (``counted``, with ``row``/``col``), and the steps."""
    steps = steps_of(session, chosen, params.time_step)
    if len(steps) > MAX_STEPS or len(steps) * len(counted) > MAX_BINS:
        raise InvalidInput(Message("emerging.cube-too-big",
                                   N_("%(steps)s time steps of %(cells)s cells make a cube too big to test (at most "
                                      "%(max_steps)s steps and %(max_bins)s bins); choose a longer time step, larger "
                                      "cells or a shorter period"),
                                   steps=format(len(steps), ","), cells=format(len(counted), ","),
                                   max_steps=format(MAX_STEPS, ","), max_bins=format(MAX_BINS, ",")))
    grid = counted.attrs["grid"]
    keys = cube.cube_keys(session, chosen, srid=srid, cell_size_m=grid["cell_size_m"],
                          shape=grid["shape"], step=params.time_step, origin=tuple(grid["origin"]))
    index = {(int(r), int(c)): i for i, (r, c) in enumerate(zip(counted["row"], counted["col"]))}
    at = np.array([index.get((int(r), int(c)), -1) for r, c in zip(keys["row"], keys["col"])], dtype=np.int64)
    seconds = ((steps - pd.Timestamp(0)) // pd.Timedelta(seconds=1)).to_numpy(dtype=np.int64)
    step_at = np.searchsorted(seconds, keys["step"])
    inside = (at >= 0) & (step_at < len(seconds))
    inside[inside] &= seconds[step_at[inside]] == keys["step"][inside]
    values = np.zeros((len(steps), len(counted)))
    np.add.at(values, (step_at[inside], at[inside]), keys["count"][inside])
    return values, steps


def run(session: Session, chosen: aggregate.SelectionFilter, counted: gpd.GeoDataFrame, spatial, params: Parameters,
        *, srid: int, on_step: Callable[[], object], top: int = 10):
    """The run's cells (stored shape), its summary, and what ``emerging_cell`` stores; ``counted`` are
    the grid's cells (``row``, ``col``, laid in ``srid``), ``spatial`` their neighbours."""
    values, steps = counted_cube(session, chosen, counted, params, srid=srid)
    found = emerging_hot_spots(values, spatial, k=params.time_window, alpha=ALPHA, apply_fdr=True)
    n = len(counted)
    island = np.asarray(spatial.sum(axis=1)).ravel() == 0
    cells = gpd.GeoDataFrame({
        "cell_id": counted["cell_id"].astype(int).to_numpy(), "count": values.sum(axis=0),
        "value": found.count_trend.tau, "z": found.count_trend.z, "p": found.count_trend.p,
        "p_fdr": np.full(n, np.nan), "class": np.full(n, np.nan), "quadrant": quadrants(np.full(n, None)),
        "island": island}, geometry=counted.geometry.to_numpy(), crs=STORAGE_CRS)
    patterns = pd.Series(found.pattern)
    tally = {name: int((patterns == name).sum()) for name in PATTERN_NAMES}
    bins = found.p_used
    summary = {
        "cells": n, "islands": int(island.sum()), "outside": int(counted.attrs["grid"]["outside"]),
        "grid": counted.attrs.get("grid"), "classes": tally,
        "steps": [s.date().isoformat() for s in steps], "time_step": params.time_step,
        "time_window": params.time_window, "alpha": ALPHA,
        "fdr": {"method": "Benjamini-Hochberg", "over": "every bin of the cube", "tested": int(np.isfinite(bins).sum()),
                "p_value": "analytic",
                "significant": {"90": int((np.nan_to_num(bins, nan=1.0) < ALPHA).sum())}},
        "top": _top(cells, found, steps, top),
    }
    extra = EmergingCells(cells["cell_id"].to_numpy(), found.pattern,
                          {"count_trend_z": found.count_trend.z, "count_trend_p": found.count_trend.p,
                           "z_trend_z": found.z_trend.z, "z_trend_p": found.z_trend.p},
                          {"counts": values.T, "z": found.z.T, "p": found.p_used.T})
    return cells, summary, extra


def _top(cells: gpd.GeoDataFrame, found, steps, top: int) -> list[dict]:
    """The cells hottest in the final step that have a hot pattern, hottest first."""
    final_z = found.z[-1]
    hot = np.flatnonzero(np.char.endswith(found.pattern.astype(str), "_hot"))
    order = hot[np.argsort(-np.nan_to_num(final_z[hot], nan=-np.inf))][:top]
    out = []
    for i in order:
        centre = shapely.point_on_surface(cells.geometry.iloc[i])
        out.append({"cell_id": int(cells["cell_id"].iloc[i]), "count": float(cells["count"].iloc[i]),
                    "pattern": str(found.pattern[i]), "z": float(final_z[i]), "p": float(found.p_used[-1, i]),
                    "lon": float(centre.x), "lat": float(centre.y)})
    return out


def store(session: Session, run_id: int, extra: EmergingCells) -> int:
    """COPY the run's ``emerging_cell`` rows (after its ``analysis_cell`` rows)."""
    return stored.copy_emerging(session, run_id, extra.cell_ids, extra.patterns, extra.trends, extra.series)


def stored_frame(session: Session, run_id: int, steps: list[str], *, wide: bool) -> pd.DataFrame:
    """A stored run's ``emerging_cell`` rows by ``cell_id``: pattern and trends, and the series
    either as lists (``counts``, ``z_series``, ``p_series``: GeoJSON) or, ``wide``, one column per
    step (``count_<step>``, ``z_<step>``, ``p_<step>``: CSV and GeoPackage)."""
    frame = stored.emerging_frame(session, run_id)
    series = {name: frame.pop(name) for name in stored.SERIES_COLUMNS}
    if not wide:
        for name, out in (("counts", "counts"), ("z", "z_series"), ("p", "p_series")):
            frame[out] = [[None if v is None else float(v) for v in row] for row in series[name]]
        return frame
    for name, prefix in (("counts", "count"), ("z", "z"), ("p", "p")):
        values = np.array([[np.nan if v is None else v for v in row] for row in series[name]], dtype=float)
        values = values.reshape(len(frame), len(steps))
        columns = pd.DataFrame(values, columns=[f"{prefix}_{s}" for s in steps], index=frame.index)
        frame = pd.concat([frame, columns], axis=1)
    return frame


def with_stored(cells: pd.DataFrame, session: Session, run, *, wide: bool) -> pd.DataFrame:
    """``cells`` of an emerging run with :func:`stored_frame`'s columns (other runs unchanged)."""
    if run.method != "emerging":
        return cells
    extra = stored_frame(session, run.id, list((run.summary or {}).get("steps") or []), wide=wide)
    return cells.merge(extra, on="cell_id", how="left")


def cell_series(session: Session, run, cell_id: int) -> dict | None:
    """One cell of a stored emerging run: pattern, trends and its series step by step; None if none."""
    row = stored.emerging_cell(session, run.id, cell_id)
    if row is None:
        return None
    steps = (run.summary or {}).get("steps") or []
    clean = lambda values: [None if v is None or np.isnan(v) else float(v) for v in values]  # noqa: E731
    return {"run_id": run.id, "cell_id": row.cell_id, "pattern": row.pattern, "count": float(row.count),
            "lon": float(row.lon), "lat": float(row.lat), "time_step": (run.parameters or {}).get("time_step"),
            "alpha": (run.summary or {}).get("alpha", ALPHA),
            "count_trend": {"z": row.count_trend_z, "p": row.count_trend_p},
            "z_trend": {"z": row.z_trend_z, "p": row.z_trend_p},
            "steps": [{"start": s, "count": c, "z": z, "p": p}
                      for s, c, z, p in zip(steps, clean(row.counts), clean(row.z), clean(row.p))]}
