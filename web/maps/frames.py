"""Layer frames made ready for folium: tooltip columns only, times in the area's zone, text escaped.

folium's GeoJsonTooltip writes property values into ``innerHTML``, so every string that reaches it
is HTML-escaped here; numbers pass as numbers.
"""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import shapely
from flask_babel import gettext as _
from markupsafe import escape

from geo.domain import IncidentSource
from geo.layers import LayerSpec

from ..formats import format_day, format_moment
from .looks import SYNTHETIC_NOTE, Look

SYNTHETIC = IncidentSource.SYNTHETIC_DEMO.value
# The grid (degrees) an embedded layer's coordinates are rounded to: 0.1 m, finer than any zoom shows.
DRAWN_GRID_DEG = 1e-6
# The tolerance (metres) the overview map's embedded lines and polygons are simplified with: under
# a pixel from zoom 16 down (a pixel is 2.4 m at zoom 16), and the districts' outlines keep their shape.
DRAWN_WITHIN_M = 2.0


def _missing(value: object) -> bool:
    return value is None or (not isinstance(value, str) and bool(pd.isna(value)))


def _text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: None if _missing(v) else str(escape(str(v)))).astype(object)


def _times(series: pd.Series, timezone: str) -> pd.Series:
    # as the reader writes a moment (web.formats), in the regime's zone
    local = pd.to_datetime(series, utc=True).dt.tz_convert(timezone)
    return pd.Series([None if pd.isna(v) else format_moment(v.to_pydatetime()) for v in local],
                     index=series.index, dtype=object)


def _notification(frame: pd.DataFrame) -> pd.Series:
    """Order 641 item 7: whether a formation notified its police unit, in one line."""
    def line(row) -> str:
        if _missing(row["notified_on"]):
            return _("not notified")
        return _("%(unit)s on %(date)s, ref. %(ref)s", unit=row["notified_unit"] or "?",
                 date=format_day(row["notified_on"]), ref=row["notification_ref"])
    return frame.apply(line, axis=1) if len(frame) else pd.Series([], dtype=object)


def prepare(frame: gpd.GeoDataFrame, spec: LayerSpec, look: Look, *, timezone: str) -> gpd.GeoDataFrame:
    """The tooltip columns of ``look`` from a layer's frame, formatted and escaped, plus geometry,
    its coordinates rounded to ``DRAWN_GRID_DEG`` (six decimals, not seventeen, in the page)."""
    frame = frame.copy()
    if spec.name == "formation":
        frame["notification"] = _notification(frame)
    if "note" in dict(look.tooltip) and spec.name == "incident":
        frame["note"] = str(SYNTHETIC_NOTE)
    out = {}
    for column, _label in look.tooltip:
        series = frame[column]
        kind = spec.field(column).type if column in {f.name for f in spec.fields} else "text"
        if kind == "datetime":
            series = _times(series, timezone)
        elif kind == "date":
            series = series.map(lambda v: None if _missing(v) else format_day(v)).astype(object)
        if kind in ("int", "float") and pd.api.types.is_numeric_dtype(series):
            out[column] = series.astype(object).where(series.notna(), None)
        else:
            out[column] = _text(series)
    drawn = shapely.set_precision(frame.geometry.values, DRAWN_GRID_DEG, mode="pointwise")
    return gpd.GeoDataFrame(out, geometry=drawn, crs=frame.crs, index=frame.index)


def stations(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Police units' stations as their own point frame (the second geometry of police_unit)."""
    has_station = frame["station"].notna() & ~gpd.GeoSeries(frame["station"]).is_empty
    points = frame[has_station]
    return gpd.GeoDataFrame(points.drop(columns=[frame.geometry.name, "station"]),
                            geometry=gpd.GeoSeries(points["station"]).values, crs=frame.crs)


def split_synthetic(frame: gpd.GeoDataFrame) -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    """Incidents recorded as real (any source) and those from the synthetic demo generator."""
    synthetic = frame["source"] == SYNTHETIC
    return frame[~synthetic], frame[synthetic]
