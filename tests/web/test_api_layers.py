"""/api/v1/layers: GeoJSON by bbox and page, clear JSON errors."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point
from sqlalchemy import text

from geo import services
from geo.access import SYSTEM


@pytest.fixture
def incidents(session):
    frame = gpd.GeoDataFrame(
        {"occurred_at": [f"2026-11-0{i + 1} 20:00" for i in range(5)], "category": ["theft"] * 5},
        geometry=[Point(76.90 + 0.01 * i, 43.25) for i in range(5)], crs=4326)
    services.import_frame(session, "incident", frame, name="test", actor=SYSTEM)
    session.flush()
    session.execute(text("ANALYZE incident"))  # the planner then expects few rows: they are counted


def test_a_layer_is_geojson_with_paging_links(client, incidents):
    r = client.get("/api/v1/layers/incident?limit=2")
    assert r.status_code == 200
    assert r.content_type == "application/geo+json"
    body = r.get_json(force=True)
    assert body["type"] == "FeatureCollection"
    assert (body["numberMatched"], body["numberReturned"]) == (5, 2)  # few matches: counted unasked
    feature = body["features"][0]
    assert feature["geometry"]["type"] == "Point"
    assert feature["properties"]["category"] == "theft"
    [nxt] = body["links"]
    assert (nxt["rel"], nxt["type"]) == ("next", "application/geo+json")
    assert nxt["href"] == f"http://localhost/api/v1/layers/incident?after={body['features'][1]['id']}&limit=2"
    last = client.get("/api/v1/layers/incident?limit=2&offset=4").get_json(force=True)  # offset still reads
    assert last["numberReturned"] == 1 and last["links"] == []


def test_bbox_filters_features(client, incidents):
    body = client.get("/api/v1/layers/incident?bbox=76.895,43.2,76.915,43.3").get_json(force=True)
    assert body["numberMatched"] == 2
    assert sorted(round(f["geometry"]["coordinates"][0], 2) for f in body["features"]) == [76.90, 76.91]


def test_an_unknown_layer_is_a_json_404(client):
    r = client.get("/api/v1/layers/checkpoints")
    assert r.status_code == 404 and r.is_json
    assert "no layer 'checkpoints'" in r.get_json()["error"]


@pytest.mark.parametrize("query, reason", [
    ("bbox=1,2,3", "four numbers"),
    ("bbox=76,43,75,44", "greater than its maximum"),
    ("bbox=x,43,77,44", "must be numbers"),
    ("limit=0", "limit must be between"),
    ("limit=ten", "limit must be a whole number"),
    ("offset=-1", "offset must be a whole number from 0"),
    ("offset=2147483648", "offset must be a whole number from 0 to 2147483647"),
    ("after=-1", "after must be a whole number from 0"),
    ("after=12a", "after must be a whole number"),
    ("count=yes", "count must be true or false"),
])
def test_bad_parameters_are_a_json_400_with_the_reason(client, query, reason):
    r = client.get(f"/api/v1/layers/district?{query}")
    assert r.status_code == 400 and r.is_json
    assert reason in r.get_json()["error"]


def test_the_layer_list_names_every_layer_with_the_absolute_url_of_its_features(client):
    layers = {layer["name"]: layer for layer in client.get("/api/v1/layers").get_json()["layers"]}
    assert "incident" in layers and "formation" in layers
    assert layers["incident"]["links"] == [{"rel": "items", "type": "application/geo+json",
                                            "href": "http://localhost/api/v1/layers/incident"}]
