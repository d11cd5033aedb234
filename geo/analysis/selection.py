"""Which incidents an analysis looks at: time range, weekdays, hour band, categories, area.

Pure filtering of a GeoDataFrame; the service records the options with the analysis run.
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import geopandas as gpd
import numpy as np
import pandas as pd
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_CRS
from ..errors import InvalidInput
from ..messages import N_, Message


def select_incidents(incidents: gpd.GeoDataFrame, *, start: datetime | str | None = None,
                     end: datetime | str | None = None, weekdays: Iterable[int] | None = None,
                     hours: tuple[int, int] | None = None, categories: Iterable[str] | None = None,
                     area: BaseGeometry | gpd.GeoDataFrame | gpd.GeoSeries | None = None,
                     time_column: str = "occurred_at", category_column: str = "category",
                     tz: str | None = None) -> gpd.GeoDataFrame:
    """The incidents matching every given filter (a filter left as None lets all through).

    Parameters
    ----------
    start, end : the half-open time range ``start <= t < end``.
    weekdays : days to keep, 0 = Monday ... 6 = Sunday.
    hours : an hour band ``(from, to)``, ``from <= hour < to``; ``(22, 4)`` wraps midnight and
        keeps 22:00-03:59; ``(0, 24)`` is the whole day.
    categories : the categories to keep (exact match).
    area : a polygon in EPSG:4326, or a layer whose union is the area; incidents on its border count.
    tz : the zone in which weekday and hour are read (e.g. "Asia/Almaty"); aware times are converted
        to it, naive ones taken as already local. Naive ``start``/``end`` are read in it too.

    Examples
    --------
    >>> night = select_incidents(incidents, weekdays=[4, 5], hours=(22, 4),  # doctest: +SKIP
    ...                          categories=["theft"], tz="Asia/Almaty")
    """
    keep = np.ones(len(incidents), dtype=bool)
    needs_time = any(v is not None for v in (start, end, weekdays, hours))
    times = _local_times(incidents[time_column], tz) if needs_time else None
    if start is not None:
        keep &= (times >= _timestamp(start, times, tz)).to_numpy()
    if end is not None:
        keep &= (times < _timestamp(end, times, tz)).to_numpy()
    if weekdays is not None:
        days = sorted({int(d) for d in weekdays})
        if any(d < 0 or d > 6 for d in days):
            raise InvalidInput(Message("selection.weekdays-run-monday",
                                       N_("weekdays run from 0 (Monday) to 6 (Sunday)")))
        keep &= times.dt.day_of_week.isin(days).to_numpy()
    if hours is not None:
        keep &= hour_band_mask(times.dt.hour.to_numpy(), hours)
    if categories is not None:
        keep &= incidents[category_column].isin(list(categories)).to_numpy()
    if area is not None:
        keep &= _within(incidents, area)
    return incidents[keep].copy()


def hour_band_mask(hour: np.ndarray, band: tuple[int, int]) -> np.ndarray:
    """True where ``hour`` falls in the band ``[from, to)``, wrapping midnight when from > to.

    >>> hour_band_mask(np.array([21, 22, 23, 0, 3, 4]), (22, 4)).tolist()
    [False, True, True, True, True, False]
    """
    lo, hi = (int(v) for v in band)
    if not (0 <= lo <= 23 and 0 <= hi <= 24) or lo == hi:
        raise InvalidInput(Message("selection.hour-band-runs",
                                   N_("an hour band runs from an hour 0-23 to a different hour 0-24")))
    hour = np.asarray(hour)
    return (hour >= lo) & (hour < hi) if lo < hi else (hour >= lo) | (hour < hi)


def _local_times(column: pd.Series, tz: str | None) -> pd.Series:
    times = pd.to_datetime(column)
    if tz is not None and times.dt.tz is not None:
        times = times.dt.tz_convert(tz)
    return times


def _timestamp(value, times: pd.Series, tz: str | None) -> pd.Timestamp:
    """``value`` as a timestamp comparable with ``times`` (aware with aware, naive with naive)."""
    stamp = pd.Timestamp(value)
    aware_times = times.dt.tz is not None
    if stamp.tzinfo is None and aware_times:
        stamp = stamp.tz_localize(tz or times.dt.tz)
    elif stamp.tzinfo is not None and not aware_times:
        stamp = stamp.tz_convert(tz).tz_localize(None) if tz else stamp.tz_localize(None)
    return stamp


def _within(incidents: gpd.GeoDataFrame, area) -> np.ndarray:
    if isinstance(area, BaseGeometry):
        shape, crs = area, STORAGE_CRS
    else:
        shape, crs = area.union_all(), area.crs
    if incidents.crs is not None and crs is not None and not incidents.crs.equals(crs):
        shape = gpd.GeoSeries([shape], crs=crs).to_crs(incidents.crs).iloc[0]
    return incidents.geometry.intersects(shape).to_numpy()
