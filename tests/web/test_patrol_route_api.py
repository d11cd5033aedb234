"""The walking patrol route API: planned by dispatchers, read by the assignment's own people only,
downloaded as GPX (read back by gpxpy), every user error a clear 4xx that stores nothing."""
from __future__ import annotations

import gpxpy
import pytest
import shapely
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, shape
from sqlalchemy import func, select
from sqlalchemy.dialects.postgresql import Range

from geo.db.models import Assignment, Incident, PatrolRoute, StreetSegment

from tests.conftest import make_app, sign_in
from tests.support.access_world import aw  # noqa: F401  (fixture)
from tests.support.dispatch_world import at, wkb

GEOD = Geod(ellps="WGS84")
TO_M = Transformer.from_crs(4326, 32643, always_xy=True).transform
TO_WGS = Transformer.from_crs(32643, 4326, always_xy=True).transform
# world.zone is box(76.92, 43.24, 76.93, 43.25): a grid of streets over it, every 200 m
X0, Y0 = TO_M(76.92, 43.24)


def lonlat(dx: float, dy: float) -> tuple[float, float]:
    return TO_WGS(X0 + dx, Y0 + dy)


def street(session, *points) -> None:
    line = LineString([lonlat(*p) for p in points])
    session.add(StreetSegment(name="grid street", highway="residential", length_m=GEOD.geometry_length(line),
                              geom=wkb(line)))


@pytest.fixture
def streets(session, aw):
    for k in range(0, 1001, 200):  # a line per block, meeting at the junctions as OSM ways do
        for j in range(0, 1000, 200):
            street(session, (k, j), (k, j + 200))
            street(session, (j, k), (j + 200, k))
    # incidents in the shift's hours (18-22 local) at three corners, and one at noon that must not count
    for (dx, dy), n, hour in (((200, 200), 3, 19), ((800, 800), 5, 20), ((800, 200), 2, 21), ((400, 600), 9, 12)):
        for i in range(n):
            session.add(Incident(occurred_at=at(f"2026-11-{i + 1:02d} {hour}:15"), category="theft",
                                 source="police-record", geom=wkb(Point(*lonlat(dx + 3, dy + 4)))))
    session.flush()
    return aw


def plan(client, aid, **body):
    return client.post(f"/api/v1/assignments/{aid}/route", json=body)


def test_a_dispatcher_plans_a_route_that_walks_the_hot_corners_and_returns(client, streets):
    sign_in(client, streets.logins["dispatcher"])
    r = plan(client, streets.own, lon=76.9201, lat=43.2401)
    assert r.status_code == 201 and r.mimetype == "application/geo+json", r.get_data(as_text=True)
    f = r.get_json()
    p = f["properties"]
    assert f["geometry"]["type"] == "LineString"
    line = shape(f["geometry"])
    assert line.coords[0] == pytest.approx(line.coords[-1])
    assert p["source"] == "incidents" and p["weight"] == 10 and p["weight_available"] == 10  # noon left out
    assert p["minutes"] <= p["shift_minutes"] == 240
    assert p["length_m"] == pytest.approx(GEOD.geometry_length(line), rel=2e-3)
    assert p["walking_kmh"] == 4.0 and len(p["stops"]) == 3 and not p["start_moved"]
    # planning again replaces the route
    assert plan(client, streets.own, lon=76.925, lat=43.245).status_code == 201
    assert client.get(f"/api/v1/assignments/{streets.own}/route").get_json()["properties"]["start"]["lon"] == \
        pytest.approx(76.925, abs=2e-3)


def test_the_start_places_near_the_target_are_offered_and_one_starts_the_route(client, streets, session):
    sign_in(client, streets.logins["dispatcher"])
    r = client.get(f"/api/v1/assignments/{streets.own}/route/starts")
    assert r.status_code == 200
    starts = r.get_json()["starts"]
    centre = next(s for s in starts if s["kind"] == "police_unit")  # the Centre police station, 76.94 43.25
    assert centre["distance_m"] > 0
    r = plan(client, streets.own, start_kind="police_unit", start_id=centre["id"])
    assert r.status_code == 201
    p = r.get_json()["properties"]
    assert p["start_moved"] and p["start_label"] == centre["name"]
    assert shapely.geometry.box(76.92, 43.24, 76.93, 43.25).buffer(0.0003).covers(Point(p["start"]["lon"],
                                                                                         p["start"]["lat"]))


@pytest.mark.parametrize(("role", "status"), [("dispatcher", 200), ("supervisor", 200), ("leader", 200),
                                              ("other_leader", 404), ("other_supervisor", 404), ("analyst", 403)])
def test_only_the_assignments_own_people_read_the_route(app, streets, role, status):
    planner = app.test_client()
    sign_in(planner, streets.logins["dispatcher"])
    assert plan(planner, streets.own, lon=76.9201, lat=43.2401).status_code == 201
    reader = app.test_client()
    sign_in(reader, streets.logins[role])
    assert reader.get(f"/api/v1/assignments/{streets.own}/route").status_code == status
    assert reader.get(f"/api/v1/assignments/{streets.own}/route.gpx").status_code == status


@pytest.mark.parametrize("role", ["leader", "supervisor", "analyst"])
def test_only_dispatchers_plan(client, streets, session, role):
    sign_in(client, streets.logins[role])
    assert plan(client, streets.own, lon=76.9201, lat=43.2401).status_code == 403
    assert client.get(f"/api/v1/assignments/{streets.own}/route/starts").status_code == 403
    assert session.scalar(select(func.count()).select_from(PatrolRoute)) == 0


def test_the_gpx_download_reads_back_in_a_gpx_parser(client, streets):
    sign_in(client, streets.logins["dispatcher"])
    f = plan(client, streets.own, lon=76.9201, lat=43.2401).get_json()
    sign_in(client, streets.logins["leader"])
    r = client.get(f"/api/v1/assignments/{streets.own}/route.gpx")
    assert r.status_code == 200 and r.mimetype == "application/gpx+xml"
    assert "attachment" in r.headers["Content-Disposition"]
    gpx = gpxpy.parse(r.get_data(as_text=True))
    [track] = gpx.tracks
    [segment] = track.segments
    coords = f["geometry"]["coordinates"]
    assert len(segment.points) == len(coords)
    assert (segment.points[5].longitude, segment.points[5].latitude) == pytest.approx(tuple(coords[5]), abs=1e-6)
    assert segment.length_2d() == pytest.approx(f["properties"]["length_m"], rel=5e-3)
    assert len(gpx.waypoints) == 1 + len(f["properties"]["stops"])


def test_user_errors_are_clear_4xx_and_store_nothing(client, streets, session):
    sign_in(client, streets.logins["dispatcher"])
    own, other = streets.own, streets.other
    cases = [
        (plan(client, own), 400, "route.start-missing"),
        (plan(client, own, start_kind="police_unit", start_id=999999), 400, "route.start-unknown"),
        (plan(client, own, start_kind="moon", start_id=1), 400, "route.start-kind"),
        (plan(client, own, lon=500.0, lat=43.0), 400, "route.start-outside"),
        (plan(client, other, lon=77.025, lat=43.245), 400, "route.no-streets"),
        (plan(client, 999999, lon=76.92, lat=43.24), 404, "not-found.assignment"),
        (client.get(f"/api/v1/assignments/{own}/route"), 404, "route.none"),
        (client.post(f"/api/v1/assignments/{own}/route", json={"speed": 3}), 400, None),
    ]
    for r, status, code in cases:
        assert r.status_code == status and r.is_json, r.get_data(as_text=True)
        if code:
            assert r.get_json()["code"] == code
    session.execute(Assignment.__table__.update().where(Assignment.id == own).values(status="cancelled"))
    r = plan(client, own, lon=76.9201, lat=43.2401)
    assert r.status_code == 400 and r.get_json()["code"] == "route.not-live"
    assert session.scalar(select(func.count()).select_from(PatrolRoute)) == 0


def test_a_target_without_any_weight_says_so(client, streets, session):
    a = Assignment(formation_id=streets.world.formation, patrol_zone_id=streets.world.far_zone, regime="order-641",
                   activity="8.1", shift=Range(at("2026-12-06 18:00"), at("2026-12-06 22:00"), bounds="[)"),
                   status="proposed", created_by="test")
    session.add(a)
    session.flush()
    far = a.id
    x, y = TO_M(77.02, 43.24)
    session.add(StreetSegment(name="far street", highway="residential", length_m=800.0,
                              geom=wkb(LineString([TO_WGS(x + 10, y + 100), TO_WGS(x + 800, y + 100)]))))
    session.flush()
    sign_in(client, streets.logins["dispatcher"])
    r = plan(client, far, lon=77.025, lat=43.245)
    assert r.status_code == 400 and r.get_json()["code"] == "route.no-weights"


def test_a_shift_too_short_for_any_hot_cell_says_so(client, streets, session):
    session.execute(Assignment.__table__.update().where(Assignment.id == streets.own).values(
        shift=func.tstzrange(at("2026-12-05 19:00"), at("2026-12-05 19:05"))))
    sign_in(client, streets.logins["dispatcher"])
    r = plan(client, streets.own, lon=76.9201, lat=43.2401)
    assert r.status_code == 400 and r.get_json()["code"] == "route.nothing-fits"


def test_the_leaders_shift_map_shows_the_route_with_its_length_time_and_gpx_link(app, streets):
    planner = app.test_client()
    sign_in(planner, streets.logins["dispatcher"])
    p = plan(planner, streets.own, lon=76.9201, lat=43.2401).get_json()["properties"]
    leader = app.test_client()
    sign_in(leader, streets.logins["leader"])
    page = leader.get("/my/shifts").get_data(as_text=True)
    assert f"{p['length_m'] / 1000:.1f} km" in page and f"about {round(p['minutes'])} min" in page
    assert f'/api/v1/assignments/{streets.own}/route.gpx' in page
    assert "patrol-route" in page  # the route's layer on the shift's map
    feature = next(f for f in leader.get("/api/v1/my/assignments").get_json()["features"] if f["id"] == streets.own)
    assert feature["properties"]["route"]["length_m"] == p["length_m"]


def test_the_printed_sheet_draws_the_route_and_says_its_length_and_time(app, streets):
    client = app.test_client()
    sign_in(client, streets.logins["dispatcher"])
    before = client.get(f"/assignments/{streets.own}/sheet").get_data(as_text=True)
    assert 'stroke="#1f4e9c"' not in before and "Walking route" not in before
    p = plan(client, streets.own, lon=76.9201, lat=43.2401).get_json()["properties"]
    sheet = client.get(f"/assignments/{streets.own}/sheet").get_data(as_text=True)
    assert 'stroke="#1f4e9c"' in sheet and 'class="route-start"' in sheet
    assert f"{p['length_m'] / 1000:.1f} km, about {round(p['minutes'])} min" in sheet


def test_the_walking_speed_and_dwell_are_settings(connection, streets):
    slow = make_app(connection, ROUTE_WALKING_KMH=2.5, ROUTE_DWELL_MIN=0)
    client = slow.test_client()
    sign_in(client, streets.logins["dispatcher"])
    p = plan(client, streets.own, lon=76.9201, lat=43.2401).get_json()["properties"]
    assert p["walking_kmh"] == 2.5
    assert p["minutes"] == pytest.approx(p["length_m"] / (2500 / 60), abs=0.1)  # no time at the cells
