"""Synthetic incidents for the demo: no geocoded incident records of Kazakhstan are open.

A seeded generator, reproducible for a given seed and reference day: incidents cluster around
real places (Gaussian offsets in metres, spread per place), with category-specific hours of the
day (evening peaks, night lows) and busier Fridays and Saturdays. Every record says it is synthetic.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_CRS
from ..domain import DEFAULT_TIMEZONE, IncidentSource

HOURS = np.arange(24)
# Monday … Sunday: Fridays and Saturdays are the busiest days.
WEEKDAY_FACTOR = np.array([0.92, 0.88, 0.92, 0.97, 1.18, 1.27, 1.02])
MAX_REDRAWS = 60
# How strongly a place of each kind draws incidents, and how far they spread around it (metres).
ANCHOR_WEIGHT = {"market": 8.0, "station": 3.0, "square": 2.5, "stadium": 1.5, "thoroughfare": 1.0}
ANCHOR_SPREAD_M = {"market": 220.0, "station": 200.0, "square": 120.0, "street": 30.0, "thoroughfare": 40.0}
STREET_WEIGHT_PER_KM = 0.3


@dataclass(frozen=True)
class Category:
    """An incident category: its share, where it happens (weight per place kind) and when."""

    name: str
    share: float
    places: dict[str, float]
    night_floor: float
    peaks: tuple[tuple[float, float, float], ...]  # (hour, spread in hours, height)

    def hourly(self) -> np.ndarray:
        """Relative frequency of each hour of the day (sums to 1)."""
        profile = np.full(24, self.night_floor)
        for hour, spread, height in self.peaks:
            distance = np.minimum(np.abs(HOURS - hour), 24 - np.abs(HOURS - hour))
            profile += height * np.exp(-0.5 * (distance / spread) ** 2)
        return profile / profile.sum()


CATEGORIES = (
    Category("theft", 0.32, {"market": 4, "station": 3, "street": 1.2, "park": 1, "square": 1.5,
                             "stadium": 1, "residential": 1}, 0.08, ((13, 3.0, 0.8), (18, 2.5, 1.0))),
    Category("robbery", 0.07, {"park": 2, "street": 1.5, "station": 1.5, "residential": 1, "market": 1},
             0.08, ((22, 2.5, 1.0), (1, 1.5, 0.4))),
    Category("hooliganism", 0.14, {"park": 2, "square": 2, "stadium": 2, "station": 1.5, "street": 1,
                                   "residential": 0.5}, 0.05, ((21.5, 2.5, 1.0), (0.5, 1.5, 0.5))),
    Category("drugs", 0.08, {"park": 2, "residential": 1.5, "station": 1, "street": 0.5}, 0.08,
             ((20.5, 3.0, 1.0),)),
    Category("traffic accident", 0.15, {"street": 6, "station": 0.5, "market": 0.3}, 0.06,
             ((8.5, 1.3, 0.9), (18.0, 1.8, 1.0), (13.0, 2.0, 0.4))),
    Category("public disorder", 0.10, {"square": 2, "stadium": 2.5, "park": 1.5, "station": 1.5,
                                       "market": 1, "street": 0.5},
             0.05, ((20.5, 2.5, 1.0), (23.5, 1.5, 0.6))),
    Category("domestic dispute", 0.14, {"residential": 6}, 0.10, ((21.0, 2.5, 1.0), (14.0, 3.0, 0.3))),
)


def reference_day(zone: str = DEFAULT_TIMEZONE) -> datetime:
    """Today at 00:00 in ``zone``: the default end of the generated window."""
    now = datetime.now(ZoneInfo(zone))
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def synthetic_incidents(anchors: gpd.GeoDataFrame, area: BaseGeometry, *, seed: int, count: int = 4000,
                        days: int = 120, now: datetime | None = None,
                        categories: tuple[Category, ...] = CATEGORIES,
                        zone: str = DEFAULT_TIMEZONE) -> gpd.GeoDataFrame:
    """Generate ``count`` incidents in the ``days`` days before ``now``, around ``anchors``.

    Parameters
    ----------
    anchors : GeoDataFrame in a metric CRS
        Real places: ``name``, ``kind`` (market, station, park, square, stadium, street,
        residential), ``weight`` and ``spread_m``. Incidents near a line fall along it.
    area : geometry in the anchors' CRS
        Every incident lies inside it (offsets falling outside are drawn again).
    seed : int
        Seed of the ``numpy`` generator: the same seed and ``now`` give the same frame.
    now : datetime, optional
        End of the window (default: today 00:00 in ``zone``).

    Returns
    -------
    GeoDataFrame in EPSG:4326 with the fields of the incident layer, ordered by ``occurred_at``.

    Examples
    --------
    >>> frame = synthetic_incidents(anchors, city, seed=641, now=datetime(2026, 5, 1, tzinfo=tz))
    >>> frame["source"].unique().tolist()
    ['synthetic-demo']
    """
    rng = np.random.default_rng(seed)
    end = pd.Timestamp(now if now is not None else reference_day(zone))
    end = end.tz_localize(zone) if end.tzinfo is None else end.tz_convert(zone)
    shapely.prepare(area)
    anchors = anchors[shapely.contains_xy(area, *_xy(anchors.geometry.representative_point()))]
    anchors = anchors.reset_index(drop=True)
    weights_of = {c.name: anchors["weight"].to_numpy(float)
                  * anchors["kind"].map(c.places).fillna(0).to_numpy(float) for c in categories}
    # A category with no place to happen (no residential area given, say) gives its share away.
    possible = [c for c in categories if weights_of[c.name].sum() > 0]
    if not possible:
        raise ValueError("no anchor lies inside the area with a kind any category happens at")
    shares = np.array([c.share for c in possible])
    parts = []
    for category, n in zip(possible, rng.multinomial(count, shares / shares.sum())):
        weights = weights_of[category.name]
        chosen = rng.choice(len(anchors), size=n, p=weights / weights.sum())
        x, y = _positions(anchors, chosen, area, rng)
        occurred = _times(category, n, end, days, rng, zone)
        delay_min = np.exp(rng.normal(np.log(25.0), 1.0, size=n))
        reported = pd.Series(occurred + pd.to_timedelta(delay_min, unit="min"))
        reported = reported.dt.floor("s").clip(upper=end)
        parts.append(pd.DataFrame({"occurred_at": occurred, "reported_at": reported.array,
                                   "category": category.name, "place": anchors["name"].to_numpy()[chosen],
                                   "x": x, "y": y}))
    table = pd.concat(parts, ignore_index=True).sort_values(["occurred_at", "x"], kind="stable")
    table = table.reset_index(drop=True)
    table["description"] = [f"Synthetic demo record, not a real incident: {c} near {p}"
                            for c, p in zip(table["category"], table["place"])]
    table["source"] = IncidentSource.SYNTHETIC_DEMO.value
    table["external_id"] = [f"demo-{i:06d}" for i in range(1, len(table) + 1)]
    points = gpd.GeoSeries(shapely.points(table.pop("x"), table.pop("y")), crs=anchors.crs)
    return gpd.GeoDataFrame(table.drop(columns="place"), geometry=points.to_crs(STORAGE_CRS).to_numpy(),
                            crs=STORAGE_CRS)


def _xy(points: gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    return points.x.to_numpy(), points.y.to_numpy()


def _positions(anchors: gpd.GeoDataFrame, chosen: np.ndarray, area: BaseGeometry,
               rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """A point near each chosen anchor (along it for lines), redrawn until inside ``area``."""
    geoms = anchors.geometry.to_numpy()[chosen]
    spread = anchors["spread_m"].to_numpy(float)[chosen]
    fallback_x, fallback_y = _xy(gpd.GeoSeries(geoms).representative_point())
    is_line = np.isin(shapely.get_type_id(geoms), (1, 5))  # LineString, MultiLineString
    x, y = fallback_x.copy(), fallback_y.copy()
    todo = np.arange(len(chosen))
    for _ in range(MAX_REDRAWS):
        if todo.size == 0:
            break
        bx, by = fallback_x[todo].copy(), fallback_y[todo].copy()
        lines = todo[is_line[todo]]
        if lines.size:
            along = shapely.line_interpolate_point(geoms[lines], rng.random(lines.size), normalized=True)
            bx[is_line[todo]], by[is_line[todo]] = shapely.get_x(along), shapely.get_y(along)
        offset = rng.normal(0.0, 1.0, size=(2, todo.size)) * spread[todo]
        x[todo], y[todo] = bx + offset[0], by + offset[1]
        todo = todo[~shapely.contains_xy(area, x[todo], y[todo])]
    x[todo], y[todo] = fallback_x[todo], fallback_y[todo]  # rare: keep the place itself
    return x, y


def _times(category: Category, n: int, end: pd.Timestamp, days: int, rng: np.random.Generator,
           zone: str) -> pd.DatetimeIndex:
    """Local times: a day weighted by weekday, an hour from the category's profile, a minute."""
    first = (end - pd.Timedelta(days=days)).tz_localize(None).normalize()
    day_offsets = np.arange(days)
    weekday = (first + pd.to_timedelta(day_offsets, unit="D")).day_of_week.to_numpy()
    day_weights = WEEKDAY_FACTOR[weekday]
    day = rng.choice(day_offsets, size=n, p=day_weights / day_weights.sum())
    hour = rng.choice(HOURS, size=n, p=category.hourly())
    seconds = rng.integers(0, 3600, size=n)
    local = first + pd.to_timedelta(day * 86400 + hour * 3600 + seconds, unit="s")
    stamps = pd.DatetimeIndex(local).tz_localize(zone, ambiguous=np.ones(n, dtype=bool),
                                                 nonexistent="shift_forward")
    return stamps.tz_convert(zone)


def incident_anchors(places: gpd.GeoDataFrame, residential: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Anchors for :func:`synthetic_incidents` from public places and residential areas (metres).

    Markets and stations draw most; a park, a residential area or a street draws by its size.
    """
    kind = places["kind"].to_numpy()
    size = np.sqrt(places.geometry.area.to_numpy())
    length_km = places.geometry.length.to_numpy() / 1000.0
    base_weight = pd.Series(kind).map(ANCHOR_WEIGHT).fillna(0.5).to_numpy()
    base_spread = pd.Series(kind).map(ANCHOR_SPREAD_M).fillna(150.0).to_numpy()
    weight = np.select([kind == "street", kind == "park"],
                       [STREET_WEIGHT_PER_KM * length_km, np.clip(size / 150.0, 0.3, 4.0)], base_weight)
    spread = np.select([kind == "park", kind == "stadium"],
                       [np.clip(size / 2.0, 80.0, 450.0), np.clip(size / 2.0, 150.0, 300.0)], base_spread)
    res_size = np.sqrt(residential.geometry.area.to_numpy())
    frame = pd.concat([
        pd.DataFrame({"name": places["name"].to_numpy(), "kind": kind, "weight": weight, "spread_m": spread,
                      "geometry": places.geometry.to_numpy()}),
        pd.DataFrame({"name": residential["name"].to_numpy(), "kind": "residential",
                      "weight": np.clip(res_size / 200.0, 0.2, 5.0),
                      "spread_m": np.clip(res_size / 3.0, 60.0, 600.0),
                      "geometry": residential.geometry.to_numpy()}),
    ], ignore_index=True)
    return gpd.GeoDataFrame(frame, geometry="geometry", crs=places.crs)
