"""Hot spot analysis as a use case: select incidents in PostGIS, test them, store the run.

One call, one stored ``analysis_run`` with its cells (COPied in bulk), in the caller's transaction:
every option is checked and every statistic computed before anything is written, so a refused run
stores nothing. ``hotspots`` takes the checked ``Selection`` and ``Parameters`` records of
``geo.services.hotspots.options``. Reopen, list, compare and export runs with ``geo.services.hotspots.runs``.
Only analysts run analyses (``geo.access.ANALYSTS``).
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy.orm import Session

from ...access import ANALYSTS, Principal, require
from ...analysis.selection import select_incidents
from ...db import aggregate
from ...db import analysis_runs as runs
from ...db import incidents as db
from ...domain import IncidentSource
from ...errors import InvalidInput
from ...messages import N_, Message
from ...progress import ProgressFactory, silent
from ...settings import SERIES_MAX_DAYS, ZoneLimits
from . import emerging, statistics
from .options import Area, Parameters, Selection, area_kind
from ..layers.zones import polygon_from_geojson

SYNTHETIC = IncidentSource.SYNTHETIC_DEMO.value
STEPS = 5  # select, aggregate, test, summarise, store
FINER_BUCKETS_S = (900, 1)  # when hours of UTC straddle local hours: quarter hours, then seconds
KNOWN_CATEGORIES = 12  # categories a "no incidents match" lists, most frequent first


@dataclass(frozen=True)
class HotspotResult:
    """A stored run: its id, cells (GeoDataFrame in EPSG:4326) and what it found."""

    run_id: int
    method: str
    cells: gpd.GeoDataFrame
    summary: dict
    parameters: dict
    selection: dict
    created_by: str
    created_at: datetime | None = None
    duration_ms: int | None = None

    def as_json(self) -> dict:
        """The run without its cells, as the API and the page show it."""
        return {"id": self.run_id, "method": self.method, "parameters": self.parameters,
                "selection": self.selection, "summary": self.summary, "created_by": self.created_by,
                "created_at": self.created_at and self.created_at.isoformat(), "duration_ms": self.duration_ms}


def may_run(actor: Principal) -> None:
    """Forbidden unless ``actor`` may run analyses: checked before a request's options are read, so a
    caller without the role hears 403 whatever they sent."""
    require(actor, *ANALYSTS)


def hotspots(session: Session, selection: Selection, parameters: Parameters, *, actor: Principal,
             progress: ProgressFactory = silent, top: int = 10,
             max_vertices: int = ZoneLimits.max_vertices) -> HotspotResult:
    """Find hot spots of the selected incidents with Gi*, Local Moran, a kernel density or emerging hot
    spots over a space–time cube (``geo.services.hotspots.emerging``), and store the run.

    Parameters
    ----------
    selection : which incidents (``geo.services.hotspots.options.Selection``): time, weekdays and
        hours (read in its ``timezone``), categories, sources, de-duplication and the area (a
        district, a patrol zone, a drawn polygon or everywhere).
    parameters : the method ("gi_star", "local_moran", "kde" or "emerging") and its options
        (``geo.services.hotspots.options.Parameters``). Gi* and Local Moran: square or hexagon
        cells of ``cell_size_m`` (or district, patrol zone or analysis area polygons), queen / rook /
        distance-band neighbours (or a set's weights file), binary or row-standardised weights,
        analytic p-values (0 permutations) or conditional permutations with a seed; a kernel
        density: ``bandwidth_m``, ``kernel`` and ``cell_size_m`` (incidents per km²). Grids take
        ``crs``, ``origin`` and ``extent``; ``weight_field`` sums incident weights instead of counting.
    actor : who runs it (an analyst or an admin; Forbidden otherwise); the run is stored under their login.
    progress : a progress bar factory (``geo.progress``); ``top`` : how many hot spots the summary lists.

    Examples
    --------
    >>> chosen = Selection.from_json({"categories": ["drugs"], "area": {"kind": "district", "id": 3}})
    >>> result = hotspots(session, chosen, Parameters.from_json({"method": "gi_star", "cell_size_m": 250}),
    ...                   actor=SYSTEM)  # doctest: +SKIP
    >>> result.summary["top"][0]["z"], result.run_id  # doctest: +SKIP
    """
    may_run(actor)
    began, method = time.perf_counter(), parameters.method
    bar = progress(total=STEPS, desc=f"hot spots ({method})")
    try:
        area_info, area_geom, extent, chosen, totals = _selected(session, selection, parameters, max_vertices)
        bar.update()
        found = statistics.run(session, chosen, totals, parameters, area_geom, extent=extent, on_step=bar.update,
                               top=top)
        parameters = found.parameters
        if method != "kde":  # how many cells at the smallest p the false discovery rate needed
            found.summary["fdr"]["needed"] = Reach.of(found.summary["fdr"]["tested"], parameters.permutations).needed
        summary = {"incidents": totals.count, "synthetic_incidents": totals.synthetic,
                   "area": area_info, **found.summary,
                   "series": series_of_buckets(aggregate.time_buckets(session, chosen), selection.timezone,
                                               selection.start, selection.end,
                                               refine=lambda seconds: aggregate.time_buckets(session, chosen,
                                                                                            seconds=seconds))}
        bar.update()
        run = runs.insert_run(session, method=method, parameters=parameters.as_json(), selection=selection.as_json(),
                              incident_count=totals.count, cell_count=len(found.cells),
                              island_count=int(found.cells["island"].sum()), summary=summary,
                              created_by=actor.login)
        runs.copy_cells(session, run.id, found.cells)
        if found.emerging is not None:
            emerging.store(session, run.id, found.emerging)
        run.duration_ms = int((time.perf_counter() - began) * 1000)
        session.flush()
        bar.update()
    finally:
        bar.close()
    return HotspotResult(run.id, method, found.cells, summary, run.parameters, run.selection, run.created_by,
                         run.created_at, run.duration_ms)


def _selected(session: Session, selection: Selection, parameters: Parameters, max_vertices: int):
    """The area (its summary and geometry), the grid's extent, the selection's filter and its totals,
    as a run and its reach read them; InvalidInput when no incident matches."""
    area_info, area_geom = resolve_area(session, selection.area, max_vertices)
    extent = grid_extent(session, parameters, area_geom)
    chosen = selection_filter(selection, area_geom)
    totals = aggregate.totals(session, chosen)
    if totals.count == 0:
        raise InvalidInput(no_match(session))
    return area_info, area_geom, extent, chosen, totals


def no_match(session: Session, *, show: int = KNOWN_CATEGORIES) -> Message:
    """Why nothing was counted: no incident matches; the stored categories, most frequent first (at
    most ``show`` of them), or that none is stored."""
    counts = db.category_counts(session)
    if not counts:
        return Message("hotspots.no-match-none-stored",
                       N_("no incidents match the selection; widen the dates, hours, weekdays, categories or "
                          "area; no incidents are stored"))
    listed = ", ".join(f"{name} ({n:,})" for name, n in counts[:show])
    if len(counts) > show:
        return Message("hotspots.no-match-more",
                       N_("no incidents match the selection; widen the dates, hours, weekdays, categories or "
                          "area; stored categories (any case matches): %(listed)s and %(more)d more"),
                       listed=listed, more=len(counts) - show)
    return Message("hotspots.no-match",
                   N_("no incidents match the selection; widen the dates, hours, weekdays, categories or area; "
                      "stored categories (any case matches): %(listed)s"), listed=listed)


def grid_extent(session: Session, parameters: Parameters, area_geom):
    """What a grid covers (EPSG:4326), or None for the selected incidents' bounds: ``extent``
    "area" (needs an area), "layer" (the bounds of every stored incident) or "selection"; without
    ``extent``, the area when there is one."""
    chosen = parameters.extent
    if chosen is None:
        return area_geom
    if chosen == "area":
        if area_geom is None:
            raise InvalidInput(Message("run.extent-area-needs",
                                       N_("extent 'area' needs an area: choose a district, a patrol zone or draw a "
                                          "polygon")))
        return area_geom
    if chosen == "layer":
        bounds = db.extent(session)
        if bounds is None:
            raise InvalidInput(Message("run.no-incidents-are-stored",
                                       N_("no incidents are stored: there is no layer extent to lay a grid over")))
        return shapely.box(*bounds)
    return None


def resolve_area(session: Session, area: Area | None, max_vertices: int = ZoneLimits.max_vertices):
    """The area's description for the summary and its geometry (EPSG:4326), or (None, None); a drawn
    polygon has at most ``max_vertices`` positions."""
    if area is None:
        return None, None
    if area.kind == "polygon":
        polygon = polygon_from_geojson(area.geometry, max_vertices)
        return {"kind": "polygon"}, polygon
    found = db.area_geometry(session, area.kind, area.id)
    if found is None:
        label = area_kind(area.kind)
        raise InvalidInput(Message("run.there-no-id",
                                   N_("there is no %(label)s with id %(area_id)s"),
                                   label=label, area_id=area.id))
    name, geometry = found
    return {"kind": area.kind, "id": area.id, "name": name}, geometry


def selected_incidents(session: Session, chosen: Selection, area_geom=None) -> gpd.GeoDataFrame:
    """Incidents of a selection as rows: time, category, area and source in SQL, then weekday and
    hour in the selection's zone (``geo.analysis.selection``), then de-duplicated if asked. A run
    counts the same selection in PostGIS (:func:`selection_filter`); this is the rows themselves,
    for a notebook, and the reference the SQL path is checked against."""
    frame = db.incident_frame(session, db.IncidentFilter(
        start=chosen.start, end=chosen.end, categories=chosen.categories, area=area_geom,
        sources=chosen.sources, exclude_sources=chosen.exclude_sources))
    if chosen.weekdays is not None or chosen.hour_band is not None:
        frame = select_incidents(frame, weekdays=chosen.weekdays, hours=chosen.hour_band, tz=chosen.timezone)
    if chosen.deduplicate and len(frame):
        known = frame["external_id"].notna()
        frame = pd.concat([frame[known].drop_duplicates("external_id"), frame[~known]]).sort_values("id")
    return frame


def selection_filter(chosen: Selection, area_geom=None) -> aggregate.SelectionFilter:
    """What SQL selects for ``chosen`` (``area_geom``: its area resolved to EPSG:4326, or None)."""
    return aggregate.SelectionFilter(
        db.IncidentFilter(start=chosen.start, end=chosen.end, categories=chosen.categories, area=area_geom,
                          sources=chosen.sources, exclude_sources=chosen.exclude_sources),
        timezone=chosen.timezone, weekdays=chosen.weekdays, hour_band=chosen.hour_band,
        deduplicate=chosen.deduplicate)


def series_of_buckets(buckets: dict, timezone: str, start=None, end=None, *, refine=None,
                      max_days: int = SERIES_MAX_DAYS) -> dict:
    """:func:`series_of` from incidents counted per bucket of UTC time (``geo.db.aggregate.time_buckets``):
    each bucket is read in ``timezone`` by pandas, as the incidents themselves would be. A bucket
    whose first and last instant fall in different local hours (a zone offset that is not a multiple
    of the bucket) has them all counted again by ``refine(seconds)``, in quarter hours (every offset in
    use today is a multiple) and, failing that, in seconds."""
    local = _bucket_hours(buckets, timezone)
    for seconds in (FINER_BUCKETS_S if refine is not None else ()):
        if local is not None:
            break
        buckets = refine(seconds)
        local = _bucket_hours(buckets, timezone)
    if local is None:
        raise InvalidInput(Message("run.time-zone-has",
                                   N_("time zone %(timezone)s has an offset that is not whole seconds"),
                                   timezone=timezone))
    counts, synthetic = buckets["count"], buckets["synthetic"]
    days = local.tz_localize(None).normalize()
    has = len(days) > 0
    first = days.min() if start is None else pd.Timestamp(start).tz_convert(timezone).tz_localize(None).normalize()
    last = days.max() if end is None else (pd.Timestamp(end).tz_convert(timezone).tz_localize(None)
                                           - pd.Timedelta(microseconds=1)).normalize()
    if has:
        first, last = min(first, days.min()), max(last, days.max())
    span = (last - first).days + 1 if has else 0
    if span > max_days:
        raise InvalidInput(Message("run.series-would-count",
                                   N_("the series would count %(span)s days; at most %(max_days)s are counted "
                                      "(choose a shorter start..end)"),
                                   span=format(span, ','), max_days=format(max_days, ',')))
    index = pd.date_range(first, last, freq="D") if has else pd.DatetimeIndex([])
    per_day = pd.Series(counts, index=days).groupby(level=0).sum().reindex(index, fill_value=0)
    synthetic_per_day = pd.Series(synthetic, index=days).groupby(level=0).sum().reindex(index, fill_value=0)
    hours = local.hour.to_numpy(dtype=int)
    per_hour = np.bincount(hours, weights=counts, minlength=24).astype(np.int64)
    synthetic_per_hour = np.bincount(hours, weights=synthetic, minlength=24).astype(np.int64)
    return {"timezone": timezone,
            "days": [d.date().isoformat() for d in index], "per_day": per_day.astype(int).tolist(),
            "synthetic_per_day": synthetic_per_day.astype(int).tolist(), "per_hour": per_hour.tolist(),
            "synthetic_per_hour": synthetic_per_hour.tolist()}


def _bucket_hours(buckets: dict, timezone: str) -> pd.DatetimeIndex | None:
    """The local start of every bucket, or None when some bucket spans two local hours."""
    starts = pd.to_datetime(buckets["start"], unit="us", utc=True)
    ends = pd.to_datetime(buckets["start"] + buckets["seconds"] * 1_000_000 - 1, unit="us", utc=True)
    local, local_end = starts.tz_convert(timezone), ends.tz_convert(timezone)
    if not (local.tz_localize(None).floor("h") == local_end.tz_localize(None).floor("h")).all():
        return None
    return local


def series_of(incidents: gpd.GeoDataFrame, timezone: str, start=None, end=None, *,
              max_days: int = SERIES_MAX_DAYS) -> dict:
    """Incidents per local day (every day from the first to the last, zeros kept) and per hour of day;
    InvalidInput when that is more than ``max_days`` days."""
    local = pd.to_datetime(incidents["occurred_at"], utc=True).dt.tz_convert(timezone)
    synthetic = (incidents["source"] == SYNTHETIC).to_numpy()
    days = local.dt.tz_localize(None).dt.normalize()
    first = days.min() if start is None else pd.Timestamp(start).tz_convert(timezone).tz_localize(None).normalize()
    last = days.max() if end is None else (pd.Timestamp(end).tz_convert(timezone).tz_localize(None)
                                           - pd.Timedelta(microseconds=1)).normalize()
    if len(days):
        first, last = min(first, days.min()), max(last, days.max())
    span = (last - first).days + 1 if len(days) else 0
    if span > max_days:
        raise InvalidInput(Message("run.series-would-count",
                                   N_("the series would count %(span)s days; at most %(max_days)s are counted "
                                      "(choose a shorter start..end)"),
                                   span=format(span, ','), max_days=format(max_days, ',')))
    index = pd.date_range(first, last, freq="D") if len(days) else pd.DatetimeIndex([])
    per_day = days.value_counts().reindex(index, fill_value=0)
    synthetic_per_day = days[synthetic].value_counts().reindex(index, fill_value=0)
    hours = local.dt.hour.to_numpy(dtype=int)
    per_hour, synthetic_per_hour = np.bincount(hours, minlength=24), np.bincount(hours[synthetic], minlength=24)
    return {"timezone": timezone,
            "days": [d.date().isoformat() for d in index], "per_day": per_day.astype(int).tolist(),
            "synthetic_per_day": synthetic_per_day.astype(int).tolist(), "per_hour": per_hour.tolist(),
            "synthetic_per_hour": synthetic_per_hour.tolist()}


@dataclass(frozen=True)
class Reach:
    """Whether a run's permutation p-values can come out significant after the false discovery rate.

    A pseudo p-value of ``permutations`` cannot fall below ``smallest_p`` = 2/(P+1) (two-sided).
    Benjamini–Hochberg at level q over m tested cells calls the k smallest p significant when the
    k-th is at most q·k/m, so with every p at least ``smallest_p`` nothing is significant unless at
    least ``needed`` = ceil(m·smallest_p/q) cells all reach that smallest p; more than m is
    impossible. ``q`` is the widest level the page shows (0.10). Analytic p-values (0 permutations)
    and densities have no such floor: ``smallest_p`` is None.
    """

    cells: int
    permutations: int
    q: float = 0.10
    smallest_p: float | None = None
    needed: int = 0

    @classmethod
    def of(cls, cells: int, permutations: int, q: float = 0.10) -> "Reach":
        if permutations <= 0:
            return cls(cells, permutations, q)
        smallest = 2 / (permutations + 1)
        return cls(cells, permutations, q, smallest, int(np.ceil(cells * smallest / q - 1e-9)))

    @property
    def doubtful(self) -> bool:
        """True when at least a tenth of the cells (or more than all) must reach the smallest p."""
        return self.smallest_p is not None and self.needed > max(1, self.cells // 10)

    def warning(self) -> Message | None:
        """What to tell the analyst before (and after) the run, or None when nothing stands in the way."""
        if not self.doubtful:
            return None
        least = int(np.ceil(2 * self.cells / self.q - 1))  # permutations for one cell alone to pass
        said = {"permutations": format(self.permutations, ","), "smallest": f"{self.smallest_p:.3g}",
                "cells": format(self.cells, ","), "q": f"{self.q:g}", "needed": format(self.needed, ","),
                "least": format(least, ",")}
        if self.needed > self.cells:
            return Message("hotspots.fdr-unreachable", N_(
                "With %(permutations)s permutations no p-value falls below %(smallest)s, and the false discovery "
                "rate over %(cells)s cells at %(q)s would need %(needed)s of them there — more than there are: "
                "no cell can be significant. Use analytic p-values (0 permutations), fewer cells (larger cells "
                "or a smaller area), or at least %(least)s permutations."), **said)
        return Message("hotspots.fdr-doubtful", N_(
            "With %(permutations)s permutations no p-value falls below %(smallest)s: the false discovery rate "
            "over %(cells)s cells at %(q)s finds a hot spot only if at least %(needed)s cells reach that p. "
            "Expect few or none; use analytic p-values (0 permutations), fewer cells (larger cells or a smaller "
            "area), or at least %(least)s permutations."), **said)

    def as_json(self) -> dict:
        return {"cells": self.cells, "permutations": self.permutations, "q": self.q, "smallest_p": self.smallest_p,
                "needed": self.needed, "doubtful": self.doubtful}


def reach(session: Session, selection: Selection, parameters: Parameters, *, actor: Principal,
          max_vertices: int = ZoneLimits.max_vertices) -> Reach:
    """Before a run: how many cells it would test and whether its permutations can reach significance
    after the false discovery rate (:class:`Reach`); the cells are counted as the run counts them
    (in PostGIS), nothing is tested or stored. InvalidInput as the run would raise it."""
    may_run(actor)
    if parameters.method == "kde" or not parameters.permutations:
        return Reach(0, parameters.permutations or 0)
    _info, area_geom, extent, chosen, totals = _selected(session, selection, parameters, max_vertices)
    return Reach.of(statistics.cell_count(session, chosen, totals, parameters, area_geom, extent),
                    parameters.permutations)
