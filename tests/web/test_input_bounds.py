"""Whole numbers, nesting and dates beyond what the database holds are a clear 4xx, never a 500."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from geo.db.models import PatrolZone

from tests.support.dispatch_world import world  # noqa: F401  (fixture)

HUGE = 2**31  # one past PostgreSQL's integer
SHIFT = "starts_at=2026-12-05T18:00&ends_at=2026-12-05T22:00"


@pytest.mark.parametrize("method, path", [
    ("get", f"/api/v1/assignments/{HUGE}"),
    ("patch", f"/api/v1/assignments/{HUGE}"),
    ("post", f"/api/v1/assignments/{10**30}/cancel"),
    ("get", f"/api/v1/analyses/{HUGE}/compare/1"),
    ("get", f"/api/v1/formations/{10**20}/members?date=2026-12-05"),
    ("get", f"/api/v1/layers/patrol_zone/{HUGE}"),
    ("get", f"/api/v1/reports/{HUGE}"),
])
def test_a_path_id_past_the_database_range_is_a_json_404(client, method, path):
    r = getattr(client, method)(path, json={"reason": "x"})
    assert r.status_code == 404 and r.is_json and r.get_json()["error"]


def test_a_page_id_past_the_database_range_is_a_404_page(client):
    r = client.get(f"/reports/{HUGE}")
    assert r.status_code == 404 and r.mimetype == "text/html"


@pytest.mark.parametrize("query, reason", [
    (f"/api/v1/layers/district?offset={HUGE}", "offset must be a whole number from 0 to 2147483647"),
    ("/api/v1/layers/district?limit=-5", "limit must be a whole number from 0"),
    (f"/api/v1/analyses?offset={10**40}", "offset must be a whole number from 0 to 2147483647"),
    ("/api/v1/analyses?limit=-1", "limit must be a whole number from 0"),
    (f"/api/v1/assignments?jurisdiction_of={HUGE}", "jurisdiction_of must be a whole number from"),
    (f"/api/v1/dispatch/options?target_kind=patrol_zone&target_id={-HUGE - 1}&{SHIFT}", "target_id must be"),
    (f"/api/v1/incidents/series?district={HUGE}", "district must be a whole number from"),
])
def test_a_query_number_past_the_database_range_is_a_400_naming_it(client, query, reason):
    r = client.get(query)
    assert r.status_code == 400 and r.is_json
    assert reason in r.get_json()["error"]


@pytest.mark.parametrize("path, body, reason", [
    ("/api/v1/assignments", {"formation_id": HUGE, "target_kind": "patrol_zone", "target_id": 1,
                             "activity": "8.1", "starts_at": "2026-12-05T18:00", "ends_at": "2026-12-05T22:00"},
     "formation_id must be a whole number from"),
    ("/api/v1/assignments/1/confirm", {"officer_id": -HUGE - 1}, "officer_id must be a whole number from"),
    ("/api/v1/reports", {"category": "other", "lon": 76.9, "lat": 43.2, "assignment_id": 10**25},
     "assignment_id must be a whole number from"),
    ("/api/v1/patrol_zones", {"name": "x", "geometry": {"type": "Polygon"}, "police_unit_id": HUGE},
     "police_unit_id must be a whole number from"),
])
def test_a_json_number_past_the_database_range_is_a_400_naming_it(client, path, body, reason):
    r = client.post(path, json=body)
    assert r.status_code == 400 and r.is_json
    assert reason in r.get_json()["error"]


@pytest.mark.parametrize("depth", [40, 100_000])
def test_a_deeply_nested_body_is_a_400_and_stores_nothing(client, session, world, depth):
    before = session.scalar(select(func.count()).select_from(PatrolZone))
    body = '{"name": "deep", "geometry": ' + "[" * depth + "]" * depth + "}"
    r = client.post("/api/v1/patrol_zones", data=body, content_type="application/json")
    assert r.status_code == 400 and r.is_json
    assert "more than 32 levels deep" in r.get_json()["error"]
    assert session.scalar(select(func.count()).select_from(PatrolZone)) == before


@pytest.mark.parametrize("query, reason", [
    ("/api/v1/assignments?from=0001-01-01T00:00%2B05:00", "from must lie in the years 1900 to 2199"),
    ("/api/v1/assignments?to=9999-12-31T23:59", "to must lie in the years 1900 to 2199"),
    (f"/api/v1/dispatch/options?target_kind=patrol_zone&target_id=1&starts_at=9999-12-31T20:00"
     "&ends_at=9999-12-31T23:00", "starts_at must lie in the years"),
    ("/api/v1/formations/1/members?date=9999-12-31", "date must lie in the years 1900 to 2199"),
    ("/api/v1/incidents/series?start=1000-01-01", "start must lie in the years 1900 to 2199"),
    ("/api/v1/incidents/series?end=9999-12-31", "end must lie in the years 1900 to 2199"),
])
def test_a_date_outside_the_years_kuzet_reads_is_a_400(client, query, reason):
    r = client.get(query)
    assert r.status_code == 400 and r.is_json
    assert reason in r.get_json()["error"]


@pytest.mark.parametrize("polygon, reason", [
    ("[" * 2_000 + "]" * 2_000, "nests arrays and objects more than 32 levels deep"),
    ("{not json", "GeoJSON Polygon geometry) is not valid JSON"),
])
def test_a_series_polygon_that_is_not_sensible_json_is_a_400(client, polygon, reason):
    r = client.get("/api/v1/incidents/series", query_string={"polygon": polygon})
    assert r.status_code == 400 and reason in r.get_json()["error"]


@pytest.mark.parametrize("url, reason", [
    (f"/audit?offset={HUGE}", "offset must be a whole number from"),
    (f"/supervise?officer_id={HUGE}", "officer_id must be a whole number from"),
])
def test_a_page_number_past_the_database_range_is_a_400_page(client, world, url, reason):
    r = client.get(url)
    assert r.status_code == 400 and r.mimetype == "text/html"
    assert reason in r.get_data(as_text=True)
