"""Size limits at the edge: request bodies (413), vertices per polygon and days per series (400)."""
from __future__ import annotations

import json
import time

import geopandas as gpd
import pytest
from shapely.geometry import Point, box, mapping
from sqlalchemy import func, select

from geo import services
from geo.access import SYSTEM
from geo.db.models import PatrolZone

from tests.conftest import add_user, make_app, sign_in
from tests.support.dispatch_world import world  # noqa: F401  (fixture)

GOOD = box(76.92, 43.23, 76.925, 43.235)  # inside the world's Centre district


def zones(session) -> int:
    return session.scalar(select(func.count()).select_from(PatrolZone))


def admin(connection, session, **config):
    add_user(session, "limits-admin", ["admin"])
    session.commit()
    return sign_in(make_app(connection, **config).test_client(), "limits-admin")


def many_vertices(n: int) -> dict:
    """GOOD's outline walked through ``n`` positions (the last repeats the first)."""
    ring = list(GOOD.exterior.segmentize(GOOD.exterior.length / (n - 1)).coords)
    ring = ring[:n - 1] + [ring[0]]
    return {"type": "Polygon", "coordinates": [[list(p) for p in ring]]}


def test_a_body_past_max_content_length_is_a_json_413_naming_the_limit(client, session, world):
    before = zones(session)
    r = client.post("/api/v1/patrol_zones", json={"name": "big", "geometry": mapping(GOOD), "note": "x" * 1_100_000})
    assert r.status_code == 413 and r.is_json
    assert "1,048,576 bytes" in r.get_json()["error"]
    assert zones(session) == before


def test_a_form_past_max_content_length_is_a_413_page(anonymous):
    r = anonymous.post("/login", data={"login": "x" * 1_100_000, "password": "y"})
    assert r.status_code == 413 and r.mimetype == "text/html"
    assert "1,048,576 bytes" in r.get_data(as_text=True)


def test_the_body_limit_is_a_setting(connection, session, world):
    client = admin(connection, session, MAX_CONTENT_LENGTH=2_000)
    r = client.post("/api/v1/patrol_zones", json={"name": "Arbat", "geometry": many_vertices(100)})
    assert r.status_code == 413 and "2,000 bytes" in r.get_json()["error"]


def test_a_zone_with_too_many_vertices_is_a_400_naming_the_limit_and_stores_nothing(client, session, world):
    before = zones(session)
    r = client.post("/api/v1/patrol_zones", json={"name": "Arbat", "geometry": many_vertices(5_001)})
    assert r.status_code == 400
    assert "5,001 positions; at most 5,000" in r.get_json()["error"]
    assert zones(session) == before
    assert client.post("/api/v1/patrol_zones", json={"name": "Arbat", "geometry": many_vertices(5_000)}).status_code == 201


def test_the_vertex_limit_is_a_setting_for_zones_and_emergency_areas(connection, session, world):
    client = admin(connection, session, ZONE_MAX_VERTICES=10)
    zone = client.post("/api/v1/patrol_zones", json={"name": "Arbat", "geometry": many_vertices(11)})
    area = client.post("/api/v1/emergency_areas", json={"name": "Flood", "geometry": many_vertices(11),
                                                        "period": {"starts_at": "2026-12-05T18:00"}})
    for r in (zone, area):
        assert r.status_code == 400 and "11 positions; at most 10" in r.get_json()["error"]
    assert client.post("/api/v1/patrol_zones", json={"name": "Arbat", "geometry": many_vertices(10)}).status_code == 201


def test_an_analysis_area_with_too_many_vertices_is_a_400(client):
    polygon = many_vertices(5_001)
    r = client.post("/api/v1/analyses", json={"method": "gi_star", "area": {"kind": "polygon", "geometry": polygon}})
    assert r.status_code == 400 and "at most 5,000" in r.get_json()["error"]


def test_the_vertex_limit_setting_bounds_analysis_and_series_areas_too(connection, session):
    client = admin(connection, session, ZONE_MAX_VERTICES=10)
    area = {"kind": "polygon", "geometry": many_vertices(11)}
    run = client.post("/api/v1/analyses", json={"method": "gi_star", "area": area})
    series = client.get("/api/v1/incidents/series", query_string={"polygon": json.dumps(area["geometry"])})
    for r in (run, series):
        assert r.status_code == 400 and "11 positions; at most 10" in r.get_json()["error"]


@pytest.fixture
def incidents(session):
    services.import_frame(session, "incident", gpd.GeoDataFrame(
        {"occurred_at": ["2026-11-02 21:30", "2026-11-20 08:00"], "category": ["theft", "theft"],
         "source": ["police-record", "police-record"]},
        geometry=[Point(76.93, 43.24), Point(76.94, 43.25)], crs=4326), name="limit incidents", actor=SYSTEM)
    session.commit()


def test_the_series_from_the_issue_is_refused_at_once(client):
    started = time.monotonic()
    r = client.get("/api/v1/incidents/series?interval=hour&start=1000-01-01&end=9999-01-01")
    assert r.status_code == 400 and "years 1900 to 2199" in r.get_json()["error"]
    r = client.get("/api/v1/incidents/series?interval=hour&start=1900-01-01&end=2199-01-01")
    assert r.status_code == 400 and "a series counts at most 3,660" in r.get_json()["error"]
    assert time.monotonic() - started < 5


def test_a_series_open_at_one_end_is_capped_by_the_days_it_would_count(client, incidents):
    r = client.get("/api/v1/incidents/series?start=1990-01-01")
    assert r.status_code == 400
    assert "would count 13," in r.get_json()["error"] and "at most 3,660" in r.get_json()["error"]
    assert client.get("/api/v1/incidents/series?start=2026-01-01").status_code == 200


def test_the_series_cap_is_a_setting(connection, session, incidents):
    client = admin(connection, session, SERIES_MAX_DAYS=30)
    r = client.get("/api/v1/incidents/series?start=2026-10-01&end=2026-11-30")
    assert r.status_code == 400 and "at most 30" in r.get_json()["error"]
    r = client.get("/api/v1/incidents/series")  # the incidents' own span: 19 days
    assert r.status_code == 200 and len(r.get_json()["buckets"]) == 19
