"""Drawing patrol zones and emergency areas: a valid polygon inside the districts, of sensible size."""
from __future__ import annotations

import pytest
from shapely.geometry import box, mapping
from sqlalchemy import func, select

from geo.db.models import EmergencyArea, PatrolZone

from tests.conftest import add_user, make_app, sign_in
from tests.support.dispatch_world import world  # noqa: F401  (fixture)

GOOD = box(76.92, 43.23, 76.925, 43.235)  # about 0.23 km² inside the world's Centre district


def polygon(shape) -> dict:
    return {"type": "Polygon", "coordinates": mapping(shape)["coordinates"]}


def ring(*points) -> dict:
    return {"type": "Polygon", "coordinates": [[list(p) for p in points]]}


def zones(session) -> int:
    return session.scalar(select(func.count()).select_from(PatrolZone))


def areas(session) -> int:
    return session.scalar(select(func.count()).select_from(EmergencyArea))


def test_a_good_zone_is_201_and_belongs_to_the_unit_covering_it(client, session, world):
    before = zones(session)
    r = client.post("/api/v1/patrol_zones", json={"name": "Arbat", "geometry": polygon(GOOD), "note": "walkway"})
    assert r.status_code == 201 and r.content_type == "application/geo+json"
    feature = r.get_json(force=True)
    props = feature["properties"]
    assert feature["geometry"]["type"] == "Polygon"
    assert (props["target_kind"], props["name"], props["police_unit_id"]) == ("patrol_zone", "Arbat", world.unit)
    assert 200_000 < props["area_m2"] < 250_000
    assert zones(session) == before + 1
    # the new zone is a target at once
    options = client.get(f"/api/v1/dispatch/options?target_kind=patrol_zone&target_id={props['target_id']}"
                         "&starts_at=2026-12-05T18:00&ends_at=2026-12-05T22:00")
    assert options.status_code == 200 and options.get_json()["target"]["name"] == "Arbat"


def test_a_zone_can_name_its_unit(client, world):
    r = client.post("/api/v1/patrol_zones", json={"name": "Arbat", "geometry": polygon(GOOD),
                                                  "police_unit_id": world.other_unit})
    assert r.get_json(force=True)["properties"]["police_unit_id"] == world.other_unit
    unknown = client.post("/api/v1/patrol_zones", json={"name": "Arbat", "geometry": polygon(GOOD),
                                                        "police_unit_id": 999999})
    assert unknown.status_code == 404


BOWTIE = ring((76.92, 43.23), (76.93, 43.24), (76.93, 43.23), (76.92, 43.24), (76.92, 43.23))


@pytest.mark.parametrize("geometry, reason", [
    (BOWTIE, "not a valid polygon: Self-intersection"),
    (ring((76.92, 43.23), (76.93, 43.23), (76.93, 43.24), (76.92, 43.24)), "is not closed"),
    (ring((76.92, 43.23), (76.93, 43.23), (76.92, 43.23)), "at least 4 positions"),
    ({"type": "Point", "coordinates": [76.92, 43.23]}, "must be a GeoJSON Polygon, got 'Point'"),
    ({"type": "MultiPolygon", "coordinates": [mapping(GOOD)["coordinates"]]}, "got 'MultiPolygon'"),
    ({"type": "Polygon", "coordinates": [[["a", "b"]] * 4]}, "is not a position"),
    ({"type": "Polygon", "coordinates": []}, "a list of rings"),
    ("POLYGON((0 0, 1 0, 1 1, 0 0))", "must be a GeoJSON Polygon object"),
    (ring((276.92, 43.23), (276.93, 43.23), (276.93, 43.24), (276.92, 43.23)), "outside longitude"),
    (polygon(box(77.10, 43.23, 77.11, 43.24)), "not inside the districts"),
    (polygon(box(76.97, 43.23, 77.01, 43.24)), "not inside the districts"),  # across the gap between them
    (polygon(box(76.92, 43.23, 76.9201, 43.2301)), "too small"),
])
def test_a_bad_drawing_is_400_with_the_reason_and_stores_nothing(client, session, world, geometry, reason):
    before = zones(session)
    r = client.post("/api/v1/patrol_zones", json={"name": "Drawn", "geometry": geometry})
    assert r.status_code == 400 and reason in r.get_json()["error"]
    assert zones(session) == before


def test_the_size_limits_come_from_the_configuration(connection, session, world):
    add_user(session, "admin", ["admin"])
    session.commit()
    client = sign_in(make_app(connection, ZONE_MAX_AREA_M2=100_000).test_client(), "admin")
    before = zones(session)
    r = client.post("/api/v1/patrol_zones", json={"name": "Big", "geometry": polygon(GOOD)})
    assert r.status_code == 400 and "too large" in r.get_json()["error"] and "at most 0.10 km²" in r.get_json()["error"]
    assert zones(session) == before


@pytest.mark.parametrize("payload, reason", [
    ({"geometry": polygon(GOOD)}, "missing field(s): name"),
    ({"name": "  ", "geometry": polygon(GOOD)}, "name is required"),
    ({"name": "Drawn"}, "missing field(s): geometry"),
])
def test_a_zone_needs_a_name_and_a_geometry(client, session, world, payload, reason):
    r = client.post("/api/v1/patrol_zones", json=payload)
    assert r.status_code == 400 and reason in r.get_json()["error"]


def test_an_emergency_area_is_stored_with_its_period_and_can_be_targeted(client, session, world):
    before = areas(session)
    r = client.post("/api/v1/emergency_areas", json={
        "name": "Flooded underpass", "geometry": polygon(GOOD),
        "period": {"starts_at": "2026-12-05T06:00", "ends_at": None}})
    assert r.status_code == 201
    props = r.get_json(force=True)["properties"]
    assert (props["target_kind"], props["starts_at"], props["ends_at"]) == (
        "emergency_area", "2026-12-05T06:00:00+05:00", None)
    assert areas(session) == before + 1
    options = client.get(f"/api/v1/dispatch/options?target_kind=emergency_area&target_id={props['id']}"
                         "&starts_at=2026-12-05T08:00&ends_at=2026-12-05T12:00").get_json()
    assert [a["code"] for a in options["activities"]] == ["8.2", "8.3"]


@pytest.mark.parametrize("period, reason", [
    (None, "missing field(s): period"),
    ({"ends_at": "2026-12-05T06:00"}, "missing field(s): starts_at"),
    ({"starts_at": "2026-12-05T09:00", "ends_at": "2026-12-05T06:00"}, "must start before it ends"),
    ({"starts_at": "soon"}, "starts_at is not an ISO 8601"),
    ("2026-12-05", "period must be an object"),
])
def test_an_emergency_area_needs_a_sensible_period(client, session, world, period, reason):
    payload = {"name": "Mudflow", "geometry": polygon(GOOD)}
    if period is not None:
        payload["period"] = period
    r = client.post("/api/v1/emergency_areas", json=payload)
    assert r.status_code == 400 and reason in r.get_json()["error"]
    assert areas(session) == 0
