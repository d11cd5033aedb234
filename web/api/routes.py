"""Walking patrol routes of assignments: where one may start, planning it, reading it as GeoJSON
and as GPX."""
from __future__ import annotations

from flask import Response, jsonify

from geo import services

from ..auth import current_principal
from ..config import settings
from ..config import zone_name as _zone
from ..db import get_session
from ..formats import reader_locale
from ..geojson import geojson_response
from . import bp
from .bodies import fields, json_object

ROUTE_FIELDS = {"start_kind": "text", "start_id": "int", "lon": "number", "lat": "number"}


@bp.get("/assignments/<int:assignment_id>/route/starts")
def route_starts(assignment_id: int):
    """Police stations, stations and markets near the assignment's target a route may start at."""
    return jsonify({"starts": services.route_starts(get_session(), assignment_id, viewer=current_principal(),
                                                    settings=settings().routes, locale=reader_locale())})


@bp.post("/assignments/<int:assignment_id>/route")
def plan_route(assignment_id: int):
    """Plan the assignment's walking route from a start place (``start_kind``, ``start_id``) or a
    point (``lon``, ``lat``), replacing the one it had: 201 with the route."""
    values = fields(json_object(), ROUTE_FIELDS, nullable=tuple(ROUTE_FIELDS))
    start = services.Start(kind=values.get("start_kind"), id=values.get("start_id"), lon=values.get("lon"),
                           lat=values.get("lat"))
    session = get_session()
    feature = services.plan_route(session, assignment_id, start=start, actor=current_principal(),
                                  settings=settings().routes, timezone_name=_zone(), locale=reader_locale())
    session.commit()
    return geojson_response(feature, status=201)


@bp.get("/assignments/<int:assignment_id>/route")
def get_route(assignment_id: int):
    """The assignment's stored route as a GeoJSON feature (404 when it has none)."""
    return geojson_response(services.route_feature(get_session(), assignment_id, viewer=current_principal(),
                                                   timezone_name=_zone()))


@bp.get("/assignments/<int:assignment_id>/route.gpx")
def route_gpx(assignment_id: int):
    """The assignment's stored route as a GPX 1.1 file (start and hot cells as waypoints, the tour as a track)."""
    body = services.route_gpx(get_session(), assignment_id, viewer=current_principal(), timezone_name=_zone(),
                              name=f"kuzet route {assignment_id}")
    return Response(body, mimetype="application/gpx+xml",
                    headers={"Content-Disposition": f'attachment; filename="route-{assignment_id}.gpx"'})
