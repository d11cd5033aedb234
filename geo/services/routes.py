"""Walking patrol routes (issue 17.1): for an assignment, a tour along the streets inside its target
from a chosen start through the hottest cells that fit in the shift, and back.

Where the weights come from: the latest stored analysis run whose cells cover the target (a cell of
it holds the target's point on surface) gives each of its cells meeting the target the incidents
counted in it (``analysis_cell.count``): a count adds up along a tour and means the same for every
method, where a Gi* z or a Local Moran index does not (a sum of z-scores is no quantity). Without
such a run, the incidents inside the target whose local hour falls in the shift's hour band are
counted into squares of ``RouteSettings.cell_m`` (in PostGIS).

The dispatcher plans (again: the new route replaces the old); the dispatcher, supervisors of the
target's unit and the assignment's own leader (or individual participant) read it; nobody else.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry import Point, mapping
from sqlalchemy.orm import Session

from ..access import PLANNERS, SHIFT_HOLDERS, SIGNERS, Principal, require
from ..crs import utm_crs_for
from ..db import assignments as qa
from ..db import patrol_routes as q
from ..db import scopes
from ..domain import DEFAULT_TIMEZONE
from ..errors import InvalidInput, NotFound
from ..messages import N_, Message
from ..settings import RouteSettings
from ..visibility import scope_of
from .accountability.audit import record

LIVE = ("proposed", "confirmed")
READERS = (*PLANNERS, *SIGNERS, *SHIFT_HOLDERS)
START_KINDS = ("police_unit", "public_place")
GPX_NS = "http://www.topografix.com/GPX/1/1"


@dataclass(frozen=True)
class Start:
    """Where a route starts: a police unit's station or a public place (``kind``, ``id``), or a
    point (``lon``, ``lat``)."""

    kind: str | None = None
    id: int | None = None
    lon: float | None = None
    lat: float | None = None


def _not_found(assignment_id: int) -> NotFound:
    return NotFound(Message("not-found.assignment", N_("no assignment %(assignment_id)s"),
                            assignment_id=assignment_id))


def _assignment(session: Session, viewer: Principal, assignment_id: int, *, locale: str | None = None):
    rows = qa.assignment_rows(session, ids=[assignment_id], visible=scopes.assignment_visible(scope_of(viewer)),
                              locale=locale)
    if not rows:
        raise _not_found(assignment_id)
    return rows[0]


def _area(session: Session, row, settings: RouteSettings):
    target = shapely.from_wkb(bytes(row.geometry))
    return target, q.route_area(session, target, margin_m=settings.margin_m, point_radius_m=settings.point_radius_m)


def hour_band(starts_at: datetime, ends_at: datetime, tz: ZoneInfo) -> tuple[int, int]:
    """The local hours a shift touches, [from, to) wrapping midnight; (0, 0) for every hour.

    >>> utc = ZoneInfo("UTC")
    >>> hour_band(datetime(2026, 5, 1, 18, 0, tzinfo=utc), datetime(2026, 5, 1, 22, 30, tzinfo=utc), utc)
    (18, 23)
    >>> hour_band(datetime(2026, 5, 1, 22, 0, tzinfo=utc), datetime(2026, 5, 2, 2, 0, tzinfo=utc), utc)
    (22, 2)
    """
    if (ends_at - starts_at).total_seconds() >= 23 * 3600:
        return 0, 0
    start, end = starts_at.astimezone(tz), ends_at.astimezone(tz)
    to = end.hour + (1 if (end.minute, end.second, end.microsecond) != (0, 0, 0) else 0)
    return start.hour, to % 24


def route_starts(session: Session, assignment_id: int, *, viewer: Principal, settings: RouteSettings = RouteSettings(),
                 locale: str | None = None) -> list[dict]:
    """The places a route of the assignment may start at (police stations, stations, markets within
    ``settings.start_radius_m`` of its target), nearest first: for the dispatcher."""
    require(viewer, *PLANNERS)
    row = _assignment(session, viewer, assignment_id, locale=locale)
    _, area = _area(session, row, settings)
    return [{"kind": r.kind, "id": r.id, "name": r.name, "lon": r.lon, "lat": r.lat,
             "distance_m": round(float(r.distance_m), 1)}
            for r in q.start_places(session, area, radius_m=settings.start_radius_m, kinds=settings.start_kinds,
                                    locale=locale)]


def _start_point(session: Session, start: Start, area, settings: RouteSettings,
                 locale: str | None) -> tuple[Point, str | None]:
    if start.kind is not None:
        if start.kind not in START_KINDS or start.id is None:
            raise InvalidInput(Message("route.start-kind", N_("a route starts at a police_unit or a public_place, "
                                                              "or at lon and lat")))
        for r in q.start_places(session, area, radius_m=settings.start_radius_m, kinds=settings.start_kinds,
                                locale=locale):
            if r.kind == start.kind and r.id == start.id:
                return Point(r.lon, r.lat), r.name
        raise InvalidInput(Message("route.start-unknown",
                                   N_("no %(kind)s %(id)s within %(radius_m)d m of the target to start from"),
                                   kind=start.kind, id=start.id, radius_m=round(settings.start_radius_m)))
    if start.lon is None or start.lat is None:
        raise InvalidInput(Message("route.start-missing", N_("choose where the route starts: a place or lon and lat")))
    if not (-180 <= start.lon <= 180 and -90 <= start.lat <= 90):
        raise InvalidInput(Message("route.start-outside", N_("lon must be within -180..180 and lat within -90..90")))
    return Point(start.lon, start.lat), None


def plan_route(session: Session, assignment_id: int, *, start: Start, actor: Principal,
               settings: RouteSettings = RouteSettings(), timezone_name: str = DEFAULT_TIMEZONE,
               locale: str | None = None) -> dict:
    """Plan and store the walking route of a live assignment from ``start`` (replacing any route it
    had); the route as a GeoJSON feature, with ``start_moved`` when the start lay off the target's
    streets and the route starts at the nearest of them instead.

    Examples
    --------
    >>> plan_route(session, 12, start=Start("public_place", 3), actor=dispatcher)["properties"]["minutes"]  # doctest: +SKIP
    236.5
    """
    # the solver's stack (geopandas, scipy, HiGHS) is loaded by planning only, not by every page that
    # shows a stored route (My shifts, the sheets)
    from ..analysis.patrol_routes import plan_route as solve_route

    require(actor, *PLANNERS)
    row = _assignment(session, actor, assignment_id, locale=locale)
    if row.status not in LIVE:
        raise InvalidInput(Message("route.not-live", N_("assignment %(a_id)s is %(status)s; only a proposed or "
                                                        "confirmed assignment gets a route"),
                                   a_id=row.id, status=row.status))
    target, area = _area(session, row, settings)
    begin, label = _start_point(session, start, area, settings, locale)
    streets = q.route_streets(session, area)
    if not streets:
        raise InvalidInput(Message("route.no-streets", N_("no streets are loaded inside %(target)s"),
                                   target=row.target_name))
    at = target.representative_point()
    run_id, cells = q.run_cells(session, area, at, cap=settings.max_candidates)
    source = "analysis_run"
    tz = ZoneInfo(timezone_name)
    if not cells:
        run_id, source = None, "incidents"
        cells = q.band_cells(session, area, hour_band=hour_band(row.starts_at, row.ends_at, tz),
                             timezone=timezone_name, srid=utm_crs_for(at.x, at.y).to_epsg(), cell_m=settings.cell_m,
                             cap=settings.max_candidates)
    if not cells:
        raise InvalidInput(Message("route.no-weights", N_("no hot spot run covers %(target)s and no incidents "
                                                          "there fall in the shift's hours: nothing to route to"),
                                   target=row.target_name))
    m_per_min = settings.walking_kmh * 1000.0 / 60.0
    shift_min = (row.ends_at - row.starts_at).total_seconds() / 60.0
    plan = solve_route(streets, begin, [c.point for c in cells], [c.weight for c in cells],
                       budget_m=shift_min * m_per_min, dwell_m=settings.dwell_min * m_per_min,
                       max_snap_m=settings.max_snap_m, exact_max=settings.exact_max,
                       time_limit_s=settings.time_limit_s)
    if plan.line is None:
        raise InvalidInput(Message("route.nothing-fits", N_("no hot cell of %(target)s can be reached and left "
                                                            "again within the shift's %(minutes)d minutes"),
                                   target=row.target_name, minutes=round(shift_min)))
    stops = [{"cell": cells[i].cell_id, "lon": round(p.x, 7), "lat": round(p.y, 7), "weight": cells[i].weight}
             for i, p in zip(plan.stops, plan.stop_points)]
    minutes = plan.length_m / m_per_min + settings.dwell_min * len(stops)
    values = {"start_label": label, "start_geom": f"SRID=4326;{plan.start.wkt}", "geom": f"SRID=4326;{plan.line.wkt}",
              "length_m": plan.length_m, "minutes": minutes, "walking_kmh": settings.walking_kmh,
              "weight": plan.weight, "weight_available": float(sum(c.weight for c in cells)), "source": source,
              "analysis_run_id": run_id, "stops": stops, "created_by": actor.actor}
    before = q.route_row(session, assignment_id)
    q.store_route(session, assignment_id, values)
    record(session, actor, "route", "assignment", assignment_id,
           None if before is None else {"length_m": before.length_m, "weight": before.weight},
           {"length_m": round(plan.length_m, 1), "weight": plan.weight, "stops": len(stops), "source": source})
    feature = _feature(session, assignment_id, tz, shift_min)
    feature["properties"].update(start_moved=plan.start_offset_m > settings.start_moved_m,
                                 start_offset_m=round(plan.start_offset_m, 1), solver=plan.status)
    return feature


def _feature(session: Session, assignment_id: int, tz: ZoneInfo, shift_min: float | None = None) -> dict:
    r = q.route_row(session, assignment_id)
    if r is None:
        raise NotFound(Message("route.none", N_("assignment %(a_id)s has no route yet"), a_id=assignment_id))
    line, begin = shapely.from_wkb(bytes(r.wkb)), shapely.from_wkb(bytes(r.start_wkb))
    walking = r.length_m / (r.walking_kmh * 1000.0 / 60.0)
    return {"type": "Feature", "id": r.assignment_id, "geometry": mapping(line),
            "properties": {"assignment_id": r.assignment_id, "start_label": r.start_label,
                           "start": {"lon": begin.x, "lat": begin.y}, "length_m": round(r.length_m, 1),
                           "minutes": round(r.minutes, 1), "walking_minutes": round(walking, 1),
                           "walking_kmh": r.walking_kmh, "shift_minutes": None if shift_min is None else round(shift_min, 1),
                           "weight": r.weight, "weight_available": r.weight_available, "source": r.source,
                           "analysis_run_id": r.analysis_run_id, "stops": r.stops, "created_by": r.created_by,
                           "created_at": r.created_at.astimezone(tz).isoformat()}}


def route_feature(session: Session, assignment_id: int, *, viewer: Principal,
                  timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """The stored route of an assignment ``viewer`` may read, as a GeoJSON feature; NotFound when
    the assignment is out of sight or has no route."""
    require(viewer, *READERS)
    row = _assignment(session, viewer, assignment_id)
    return _feature(session, assignment_id, ZoneInfo(timezone_name),
                    (row.ends_at - row.starts_at).total_seconds() / 60.0)


def route_gpx(session: Session, assignment_id: int, *, viewer: Principal, timezone_name: str = DEFAULT_TIMEZONE,
              name: str = "kuzet route") -> str:
    """The stored route as GPX 1.1: the start and each hot cell as waypoints, the tour as a track."""
    feature = route_feature(session, assignment_id, viewer=viewer, timezone_name=timezone_name)
    p = feature["properties"]
    ET.register_namespace("", GPX_NS)
    gpx = ET.Element(f"{{{GPX_NS}}}gpx", version="1.1", creator="kuzet")
    meta = ET.SubElement(gpx, f"{{{GPX_NS}}}metadata")
    ET.SubElement(meta, f"{{{GPX_NS}}}name").text = name
    ET.SubElement(meta, f"{{{GPX_NS}}}desc").text = (
        f"{p['length_m'] / 1000:.2f} km, {math.ceil(p['minutes'])} min at {p['walking_kmh']:g} km/h")
    points = [(p["start"]["lon"], p["start"]["lat"], p["start_label"] or "start")]
    points += [(s["lon"], s["lat"], f"{k} ({s['weight']:g})") for k, s in enumerate(p["stops"], start=1)]
    for lon, lat, label in points:
        wpt = ET.SubElement(gpx, f"{{{GPX_NS}}}wpt", lat=f"{lat:.7f}", lon=f"{lon:.7f}")
        ET.SubElement(wpt, f"{{{GPX_NS}}}name").text = str(label)
    trk = ET.SubElement(gpx, f"{{{GPX_NS}}}trk")
    ET.SubElement(trk, f"{{{GPX_NS}}}name").text = name
    seg = ET.SubElement(trk, f"{{{GPX_NS}}}trkseg")
    for lon, lat in feature["geometry"]["coordinates"]:
        ET.SubElement(seg, f"{{{GPX_NS}}}trkpt", lat=f"{lat:.7f}", lon=f"{lon:.7f}")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(gpx, encoding="unicode")


def route_summaries(session: Session, assignment_ids) -> dict[int, dict]:
    """Per assignment with a route (no access check: the caller made it): its line and start as
    GeoJSON geometries, start label, length, minutes (walking and at the cells) and walking minutes."""
    out = {}
    for i, r in q.route_summaries(session, assignment_ids).items():
        walking = r.length_m / (r.walking_kmh * 1000.0 / 60.0)
        out[i] = {"geometry": mapping(shapely.from_wkb(bytes(r.wkb))),
                  "start": mapping(shapely.from_wkb(bytes(r.start_wkb))), "start_label": r.start_label,
                  "length_m": round(r.length_m, 1), "minutes": round(r.minutes, 1),
                  "walking_minutes": round(walking, 1)}
    return out
