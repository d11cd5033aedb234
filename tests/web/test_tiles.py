"""Vector tiles and TileJSON: decoded tiles hold the right layer, properties and only the viewer's rows."""
from __future__ import annotations

import gzip
import math
from datetime import datetime, timezone

import mapbox_vector_tile
import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import Point

from geo.db.models import FieldReport, Incident
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)
from tests.support.leader_world import ELSEWHERE, INSIDE

WHEN = datetime(2026, 11, 1, 16, 0, tzinfo=timezone.utc)


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return z, x, y


def decoded(response) -> dict:
    assert response.status_code == 200, response.data[:300]
    assert response.mimetype == "application/vnd.mapbox-vector-tile"
    data = response.data
    if response.headers.get("Content-Encoding") == "gzip":
        data = gzip.decompress(data)
    return mapbox_vector_tile.decode(data)


def url(layer: str, lon_lat, z: int) -> str:
    z, x, y = tile_of(*lon_lat, z)
    return f"/tiles/{layer}/{z}/{x}/{y}.mvt"


@pytest.fixture
def incidents(session):
    """Three incidents at INSIDE (within metres) and one at ELSEWHERE."""
    rows = [Incident(occurred_at=WHEN, category="theft", geom=from_shape(Point(INSIDE[0] + i * 1e-5, INSIDE[1]), 4326))
            for i in range(3)]
    rows.append(Incident(occurred_at=WHEN, category="fight", geom=from_shape(Point(*ELSEWHERE), 4326)))
    session.add_all(rows)
    session.commit()
    return [r.id for r in rows]


@pytest.fixture
def reports(session, lw):
    """A report of the leader's formation and one of the other leader's, both at INSIDE."""
    mine = FieldReport(category="order-demand", observed_at=WHEN, description="mine", formation_id=lw.world.formation,
                       reported_by=lw.leader.user_id, geom=from_shape(Point(*INSIDE), 4326))
    theirs = FieldReport(category="order-demand", observed_at=WHEN, description="theirs",
                         formation_id=lw.world.unnotified, reported_by=lw.other_leader.user_id,
                         geom=from_shape(Point(INSIDE[0] + 1e-4, INSIDE[1]), 4326))
    session.add_all([mine, theirs])
    session.commit()
    return mine.id, theirs.id


def test_incident_points_at_high_zoom_carry_their_properties(as_user, incidents):
    layers = decoded(as_user("dispatcher").get(url("incident", INSIDE, 16)))
    assert list(layers) == ["incident"]
    features = layers["incident"]["features"]
    assert sorted(f["properties"]["id"] for f in features) == sorted(incidents[:3])
    first = features[0]["properties"]
    assert first["category"] == "theft" and first["occurred_at"] == "2026-11-01T16:00:00Z" and first["count"] == 1
    assert features[0]["geometry"]["type"] == "Point"


def test_incidents_at_low_zoom_are_cells_with_counts(as_user, incidents):
    layers = decoded(as_user("dispatcher").get(url("incident", INSIDE, 9)))
    counts = sorted(f["properties"]["count"] for f in layers["incident"]["features"])
    assert counts == [1, 3]  # the three close ones share a cell; ELSEWHERE (10 km east) is its own
    assert all("id" not in f["properties"] for f in layers["incident"]["features"])


def test_a_leader_gets_no_incident_tiles_and_only_their_formations_reports(as_user, lw, incidents, reports):
    leader = as_user("leader")
    denied = leader.get(url("incident", INSIDE, 16))
    assert denied.status_code == 403 and denied.is_json
    mine, theirs = reports
    ids = {f["properties"]["id"] for f in decoded(leader.get(url("field_report", INSIDE, 16)))["field_report"]["features"]}
    assert ids == {mine}
    seen = decoded(as_user("dispatcher").get(url("field_report", INSIDE, 16)))["field_report"]["features"]
    assert {f["properties"]["id"] for f in seen} == {mine, theirs}
    other = decoded(as_user("other.leader").get(url("field_report", INSIDE, 16)))["field_report"]["features"]
    assert {f["properties"]["id"] for f in other} == {theirs}
    assert {f["properties"]["formation_id"] for f in other} == {lw.world.unnotified}


def test_a_leader_sees_only_their_own_formation_in_its_tile(as_user, lw):
    z, x, y = tile_of(*INSIDE, 8)
    ids = {f["properties"]["id"] for f in decoded(as_user("leader").get(f"/tiles/formation/{z}/{x}/{y}.mvt"))
           ["formation"]["features"]}
    assert ids == {lw.world.formation}
    everyone = {f["properties"]["id"] for f in decoded(as_user("dispatcher").get(f"/tiles/formation/{z}/{x}/{y}.mvt"))
                ["formation"]["features"]}
    assert lw.world.formation in everyone and lw.world.unnotified in everyone


def test_etag_gives_304_and_gzip_when_accepted(as_user, incidents):
    client = as_user("dispatcher")
    path = url("incident", INSIDE, 16)
    plain = client.get(path)
    assert "Content-Encoding" not in plain.headers and plain.headers["Cache-Control"].startswith("private")
    zipped = client.get(path, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip" and gzip.decompress(zipped.data) == plain.data
    assert zipped.headers["ETag"] == plain.headers["ETag"]
    again = client.get(path, headers={"If-None-Match": plain.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    assert client.get(path, headers={"If-None-Match": '"other"'}).status_code == 200


def test_empty_tile_is_204_and_errors_are_clear(as_user, anonymous, incidents):
    client = as_user("dispatcher")
    assert client.get("/tiles/incident/16/0/0.mvt").status_code == 204
    unknown = client.get("/tiles/nothing/1/0/0.mvt")
    assert unknown.status_code == 404 and "nothing" in unknown.get_json()["error"]
    for bad in ("/tiles/incident/2/4/0.mvt", "/tiles/incident/23/0/0.mvt", "/tiles/incident/a/0/0.mvt",
                "/tiles/incident/1/-1/0.mvt", "/tiles/incident/99999999999/0/0.mvt"):
        answer = client.get(bad)
        assert answer.status_code == 400 and answer.get_json()["error"], bad
    assert anonymous.get("/tiles/incident/1/0/0.mvt").status_code == 401


def test_tilejson_describes_the_layer(as_user, incidents):
    doc = as_user("dispatcher").get("/tiles/incident.json").get_json()
    assert doc["tilejson"] == "3.0.0"
    assert doc["tiles"] == ["http://localhost/tiles/incident/{z}/{x}/{y}.mvt"]
    assert doc["minzoom"] == 0 and doc["maxzoom"] == 22
    west, south, east, north = doc["bounds"]
    assert west <= INSIDE[0] <= east and south <= INSIDE[1] <= north and east >= ELSEWHERE[0]
    [layer] = doc["vector_layers"]
    assert layer["id"] == "incident" and layer["fields"]["count"] == "Number" and layer["fields"]["category"] == "String"
    formation = as_user("leader").get("/tiles/formation.json").get_json()
    assert formation["vector_layers"][0]["id"] == "formation" and "name" in formation["vector_layers"][0]["fields"]
    assert as_user("leader").get("/tiles/incident.json").status_code == 403
    assert as_user("leader").get("/tiles/nothing.json").status_code == 404


def test_the_map_page_does_not_grow_with_the_incidents(as_user, session, incidents):
    client = as_user("dispatcher")
    before = len(client.get("/").data)
    session.add_all([Incident(occurred_at=WHEN, category="theft",
                              geom=from_shape(Point(INSIDE[0] + i * 1e-4, INSIDE[1] + i * 1e-4), 4326))
                     for i in range(400)])
    session.commit()
    after = len(client.get("/").data)
    assert abs(after - before) < 200, (before, after)  # 100x the incidents, the same page


@pytest.mark.parametrize("layer", ["pasture", "crop_field", "campus", "public_place", "patrol_zone", "event"])
def test_a_leaders_tile_of_a_layer_scoped_by_their_assignments_answers(as_user, layer):
    # A leader's scope is a subquery of several lines: the statement's comment must not swallow it.
    answer = as_user("leader").get(url(layer, INSIDE, 12))
    assert answer.status_code in (200, 204), answer.data[:300]
