"""Demo layers drawn by hand around real places: patrol zones, upcoming events and formations.

Their definitions live in ``data/demo/almaty.toml``; the places they name come from the shared
data, and the police unit of each is found from the jurisdictions, never written by hand.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import geopandas as gpd
import shapely
from shapely.geometry.base import BaseGeometry

from ..domain import DEFAULT_TIMEZONE
from ..errors import InvalidInput
from ..messages import N_, Message
from .sources import AlmatyData


def covering_unit(units_m: gpd.GeoDataFrame, geom: BaseGeometry) -> str:
    """The unit whose jurisdiction holds most of ``geom`` (or, outside them all, the nearest one).

    >>> covering_unit(units_m, shapely.Point(x, y).buffer(300))  # doctest: +SKIP
    'Police Department of Almaly District'
    """
    overlap = units_m.geometry.intersection(geom).area if geom.area > 0 else units_m.geometry.contains(geom)
    if overlap.max() > 0:
        return str(units_m["name"].iloc[int(overlap.to_numpy().argmax())])
    return str(units_m["name"].iloc[int(units_m.distance(geom).to_numpy().argmin())])


def _largest_polygon(geom: BaseGeometry) -> BaseGeometry:
    if geom.geom_type == "MultiPolygon":
        return max(geom.geoms, key=lambda g: g.area)
    return geom


def _around(data: AlmatyData, ref: str, distance_m: float) -> BaseGeometry:
    """A single Polygon: the place named by ``ref`` widened by ``distance_m`` metres."""
    geom = data.locate(ref)
    if distance_m <= 0 and geom.area == 0:
        raise InvalidInput(Message("scenario.demo-definitions-point",
                                   N_("demo definitions: %(ref)r is a point and needs a positive buffer"),
                                   ref=ref))
    return _largest_polygon(geom.buffer(distance_m) if distance_m > 0 else geom)


def patrol_zones_frame(data: AlmatyData, zones: Sequence[Mapping],
                       units_m: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """Zones around busy places, each of the unit whose jurisdiction holds the zone's centre."""
    rows, geoms = [], []
    for zone in zones:
        geom = _around(data, zone["at"], float(zone["radius_m"]))
        centre = geom.centroid
        holding = units_m[units_m.geometry.contains(centre)]
        unit = str(holding["name"].iloc[0]) if len(holding) else covering_unit(units_m, geom)
        rows.append({"name": zone["name"], "police_unit": unit, "note": zone.get("note")})
        geoms.append(geom)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=data.crs)


def events_frame(data: AlmatyData, events: Sequence[Mapping], *, today: date,
                 zone: str = DEFAULT_TIMEZONE) -> gpd.GeoDataFrame:
    """Upcoming events ``day`` days after ``today``, from ``start`` (local time) for ``hours``."""
    tz = ZoneInfo(zone)
    rows, geoms = [], []
    for event in events:
        starts = datetime.combine(today + timedelta(days=int(event["day"])),
                                  time.fromisoformat(event["start"]), tzinfo=tz)
        ends = starts + timedelta(hours=float(event["hours"]))
        rows.append({"name": event["name"], "kind": event["kind"], "venue": event.get("venue"),
                     "starts_at": starts.isoformat(), "ends_at": ends.isoformat(),
                     "expected_attendance": int(event["expected_attendance"])})
        geoms.append(_around(data, event["at"], float(event.get("buffer_m", 0.0))))
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=data.crs)


def formations_frame(data: AlmatyData, formations: Sequence[Mapping], units_m: gpd.GeoDataFrame, *,
                     today: date) -> gpd.GeoDataFrame:
    """Formations (item 7) with their home area; the notified ones name the unit covering it."""
    rows, geoms = [], []
    for formation in formations:
        places = [data.locate(ref) for ref in formation["at"]]
        home = shapely.union_all(places).buffer(float(formation["buffer_m"]))
        row = {"name": formation["name"], "base_type": formation["base_type"],
               "base_address": formation.get("base_address"),
               "notified_unit": None, "notified_on": None, "notification_ref": None}
        notice = formation.get("notification")
        if notice:
            row.update(notified_unit=covering_unit(units_m, home),
                       notified_on=(today - timedelta(days=int(notice["days_ago"]))).isoformat(),
                       notification_ref=notice["ref"])
        rows.append(row)
        geoms.append(home)
    return gpd.GeoDataFrame(rows, geometry=geoms, crs=data.crs)
