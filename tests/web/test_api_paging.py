"""/api/v1/layers pages by id: absolute next links followed to the end, the same features geopandas
would write, the viewer's scope on every page, a large page streamed."""
from __future__ import annotations

import json

import geopandas as gpd
import pytest
from requests.utils import parse_header_links
from shapely.geometry import Point, box

from geo import services
from geo.access import SYSTEM
from geo.layers import LAYERS
from web.geojson import feature_collection

from tests.browser.conftest import fill_small
from tests.conftest import add_user, make_app, sign_in
from tests.support.access_world import aw  # noqa: F401  (fixture)
from tests.support.many_incidents import insert_incidents

GEOJSON = "application/geo+json"


def pages(client, url: str) -> list[dict]:
    """Every page from ``url`` on, following links.next; each page's Link header must say the same."""
    out = []
    while url:
        r = client.get(url)
        assert r.status_code == 200 and r.content_type == GEOJSON, r.data[:300]
        body = json.loads(r.data)
        nexts = [link["href"] for link in body["links"] if link["rel"] == "next"]
        header = parse_header_links(r.headers["Link"]) if "Link" in r.headers else []
        assert [h["url"] for h in header] == nexts
        assert all((h["rel"], h["type"]) == ("next", GEOJSON) for h in header)
        out.append(body)
        url = nexts[0] if nexts else None
    return out


def ids(pages_: list[dict]) -> list[int]:
    return [f["id"] for page in pages_ for f in page["features"]]


@pytest.fixture
def many(session):
    insert_incidents(session, 103)
    session.flush()
    return sorted(f["id"] for f in feature_collection(
        services.layer_features(session, "incident", viewer=SYSTEM, limit=1000).frame)["features"])


def test_following_next_links_reads_every_feature_once_in_id_order(client, many):
    read = pages(client, "/api/v1/layers/incident?limit=10")
    assert ids(read) == many
    assert [p["numberReturned"] for p in read] == [10] * 10 + [3]
    assert all(link["href"].startswith("http://localhost/api/v1/layers/incident?after=")
               for p in read[:-1] for link in p["links"])
    assert read[-1]["links"] == []


def test_a_bbox_goes_on_in_the_next_links(client, many, session):
    bbox = (76.90, 43.20, 76.97, 43.28)
    inside = sorted(f["id"] for f in feature_collection(services.layer_features(
        session, "incident", viewer=SYSTEM, bbox=bbox, limit=1000).frame)["features"])
    assert 5 < len(inside) < len(many)
    read = pages(client, "/api/v1/layers/incident?limit=4&bbox=" + ",".join(map(str, bbox)))
    assert ids(read) == inside
    assert all(box(*bbox).intersects(Point(f["geometry"]["coordinates"])) for p in read for f in p["features"])


def test_the_matched_count_is_exact_when_asked_or_cheap_else_a_labelled_estimate(client, session):
    insert_incidents(session, 12_000)
    first = client.get("/api/v1/layers/incident?limit=10").get_json(force=True)
    assert "numberMatched" not in first and 11_000 < first["numberMatchedEstimate"] < 13_000
    counted = client.get("/api/v1/layers/incident?limit=10&count=true").get_json(force=True)
    assert counted["numberMatched"] == 12_000 and "numberMatchedEstimate" not in counted
    assert "count" not in counted["links"][0]["href"]  # the next pages need no count
    few = client.get("/api/v1/layers/incident?limit=10&bbox=76.90,43.20,76.91,43.21").get_json(force=True)
    assert few["numberReturned"] == 10 and 10 < few["numberMatched"] < 500  # cheap to count: counted
    assert few["links"] and "numberMatchedEstimate" not in few


def test_a_small_layer_gives_its_exact_count_on_every_page(client, many):
    first = client.get("/api/v1/layers/incident?limit=10").get_json(force=True)
    assert first["numberMatched"] == len(many) and first["numberReturned"] == 10
    whole = client.get("/api/v1/layers/incident?limit=200").get_json(force=True)
    assert whole["numberMatched"] == whole["numberReturned"] == len(many)
    deep = client.get(f"/api/v1/layers/incident?limit=200&after={many[50]}").get_json(force=True)
    assert deep["numberReturned"] == len(many) - 51 and deep["numberMatched"] == len(many)


def test_a_cursor_and_an_offset_read_the_same_page(client, many):
    by_cursor = client.get(f"/api/v1/layers/incident?limit=7&after={many[29]}").get_json(force=True)
    by_offset = client.get("/api/v1/layers/incident?limit=7&offset=30").get_json(force=True)
    assert by_cursor["features"] == by_offset["features"]
    assert [f["id"] for f in by_cursor["features"]] == many[30:37]
    assert by_offset["links"][0]["href"].endswith(f"?after={many[36]}&limit=7")  # offset does not go on


def test_an_empty_layer_is_an_empty_collection(client):
    body = client.get("/api/v1/layers/crop_field").get_json(force=True)
    assert body == {"type": "FeatureCollection", "features": [], "numberReturned": 0, "numberMatched": 0,
                    "links": []}


@pytest.fixture
def every_layer(session, shared_data):
    """Almaty's districts and a row or more of every other layer, with the awkward values: times
    with microseconds, whole and fractional floats, nulls, quotes and Cyrillic, a secondary point."""
    fill_small(session, shared_data)
    insert_incidents(session, 60)
    services.import_frame(session, "patrol_zone", gpd.GeoDataFrame(
        {"name": ['Зона "Арбат"'], "police_unit": ["Almaly district police"], "note": [None]},
        geometry=[box(76.9012345678912, 43.2312345678912, 76.91, 43.24)], crs=4326), name="t", actor=SYSTEM)
    services.import_frame(session, "campus", gpd.GeoDataFrame(
        {"name": ["KazNU"], "kind": ["university"], "buffer_m": [150.25]},
        geometry=[box(76.92, 43.22, 76.93, 43.23)], crs=4326), name="t", actor=SYSTEM)
    session.flush()


def test_postgis_writes_every_layer_as_geopandas_does(client, session, every_layer):
    served = {}
    for name in LAYERS:
        expected = feature_collection(services.layer_features(session, name, viewer=SYSTEM, limit=1000).frame)
        served[name] = client.get(f"/api/v1/layers/{name}?limit=1000").get_json(force=True)["features"]
        assert len(served[name]) == len(expected["features"]), name
        for got, want in zip(served[name], expected["features"]):
            assert got == want, name
            for key, value in want["properties"].items():  # a float stays a float (200.0, not 200)
                assert type(got["properties"][key]) is type(value), (name, key)
    assert all(served[name] for name in LAYERS if name not in ("crop_field", "analysis_area")), served.keys()
    incidents = [f["properties"] for f in served["incident"]]
    assert any(p["weight"] == 5.0 for p in incidents) and any(p["weight"] == 2.5 for p in incidents)
    assert any("." in p["occurred_at"] for p in incidents) and any(p["description"] for p in incidents)
    assert served["police_unit"][0]["properties"]["station"] == "POINT (76.9286 43.2567)"


def test_a_leader_paging_a_layer_sees_only_their_formations_rows_on_every_page(app, aw):
    leader = sign_in(app.test_client(), aw.logins["leader"])
    assert ids(pages(leader, "/api/v1/layers/formation?limit=1")) == [aw.world.formation]
    assert ids(pages(leader, "/api/v1/layers/patrol_zone?limit=1")) == [aw.world.zone]
    assert leader.get(f"/api/v1/layers/formation?after={aw.world.formation}").get_json(force=True)["features"] == []
    assert leader.get("/api/v1/layers/incident?limit=1").status_code == 403


@pytest.mark.parametrize("proxies, base", [(1, "https://kuzet.example.kz/"), (0, "http://localhost/")])
def test_next_links_use_the_forwarded_host_and_scheme_only_behind_a_trusted_proxy(connection, session, many,
                                                                                  proxies, base):
    app = make_app(connection, PROXY_FIX=proxies)
    add_user(session, "admin", ["admin"])
    client = sign_in(app.test_client(), "admin")
    r = client.get("/api/v1/layers/incident?limit=5",
                   headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kuzet.example.kz"})
    href = r.get_json(force=True)["links"][0]["href"]
    assert href == f"{base}api/v1/layers/incident?after={many[4]}&limit=5"
    assert r.headers["Link"] == f'<{href}>; rel="next"; type="{GEOJSON}"'


def test_a_large_page_arrives_in_chunks_as_it_is_read(client, session):
    insert_incidents(session, 4000)
    session.flush()
    r = client.get("/api/v1/layers/incident?limit=4000", buffered=False)
    assert r.is_streamed
    chunks = list(r.response)
    r.close()
    assert len(chunks) > 10  # about 1.3 MB in chunks of 64 KiB
    assert json.loads(b"".join(chunks))["numberReturned"] == 4000


def test_a_client_that_leaves_mid_page_leaves_the_app_working(client, session):
    insert_incidents(session, 2000)
    session.flush()
    r = client.get("/api/v1/layers/incident?limit=2000", buffered=False)
    next(iter(r.response))  # the first chunk only
    r.close()
    head = client.head("/api/v1/layers/incident?limit=2000")  # a body never read at all
    assert head.status_code == 200 and head.data == b""
    again = client.get("/api/v1/layers/incident?limit=3&count=true").get_json(force=True)
    assert again["numberMatched"] == 2000 and again["numberReturned"] == 3
