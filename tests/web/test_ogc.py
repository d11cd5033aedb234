"""/ogc: OGC API Features Part 1 Core + GeoJSON, Part 2 CRS, queryables; read with a Bearer token.

The structure checks follow the requirements of OGC 17-069r4 (Part 1) and 18-058r1 (Part 2): the
landing page's four links, the conformance classes, each collection's items link, the items'
``numberReturned``, ``timeStamp`` and absolute ``next`` link, and ``Content-Crs``.
"""
from __future__ import annotations

from datetime import datetime, timezone

import geopandas as gpd
import pytest
from pyproj import Transformer
from shapely.geometry import Point
from sqlalchemy import text

from geo import services
from geo.access import SYSTEM
from geo.db.models import FieldReport
from geo.services import api_tokens
from geo.services.accounts import principal_of

from tests.conftest import add_user
from tests.support.leader_world import build_leader_world

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON_CLASS = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
OAS30 = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30"
CRS_CLASS = "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
EPSG4326 = "http://www.opengis.net/def/crs/EPSG/0/4326"
EPSG3857 = "http://www.opengis.net/def/crs/EPSG/0/3857"


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def admin_token(session) -> str:
    user = add_user(session, "ogc-admin", ["admin"])
    token = api_tokens.create_token(session, principal_of(session, user), name="gdal").secret
    session.commit()
    return token


@pytest.fixture
def incidents(session):
    frame = gpd.GeoDataFrame(
        {"occurred_at": [f"2026-11-0{i + 1} 20:00+05:00" for i in range(5)],
         "category": ["theft", "theft", "robbery", "theft", "assault"]},
        geometry=[Point(76.90 + 0.01 * i, 43.25) for i in range(5)], crs=4326)
    services.import_frame(session, "incident", frame, name="test", actor=SYSTEM)
    session.flush()
    session.execute(text("ANALYZE incident"))
    session.commit()


@pytest.fixture
def api(app, admin_token):
    """A client that sends the admin's token and no cookie."""
    client = app.test_client(use_cookies=False)

    def get(path: str, **kwargs):
        return client.get(path, headers=bearer(admin_token), **kwargs)
    return get


def test_the_landing_page_links_the_definition_the_conformance_and_the_collections(api):
    r = api("/ogc/")
    assert r.status_code == 200 and r.mimetype == "application/json"
    links = {link["rel"]: link for link in r.get_json()["links"]}
    assert {"self", "service-desc", "conformance", "data"} <= set(links)
    assert links["data"]["href"] == "http://localhost/ogc/collections"
    assert links["service-desc"]["type"] == "application/vnd.oai.openapi+json;version=3.0"
    definition = api("/ogc/api")
    assert definition.status_code == 200 and definition.mimetype == "application/vnd.oai.openapi+json"
    doc = definition.get_json()
    assert doc["openapi"].startswith("3.0")
    assert {"/", "/conformance", "/collections", "/collections/{collectionId}",
            "/collections/{collectionId}/items", "/collections/{collectionId}/items/{featureId}"} <= set(doc["paths"])
    assert {p["name"] for p in doc["paths"]["/collections/{collectionId}/items"]["get"]["parameters"]} >= {
        "limit", "bbox", "datetime", "crs", "bbox-crs"}


def test_conformance_declares_core_geojson_oas30_and_crs(api):
    assert {CORE, GEOJSON_CLASS, OAS30, CRS_CLASS} <= set(api("/ogc/conformance").get_json()["conformsTo"])


def test_every_layer_and_the_field_reports_are_collections_with_an_items_link(api):
    body = api("/ogc/collections").get_json()
    assert any(link["rel"] == "self" for link in body["links"])
    by_id = {c["id"]: c for c in body["collections"]}
    assert {"incident", "district", "formation", "patrol_zone", "field_report"} <= set(by_id)
    for c in body["collections"]:
        [items] = [link for link in c["links"] if link["rel"] == "items"]
        assert items["type"] == "application/geo+json"
        assert items["href"] == f"http://localhost/ogc/collections/{c['id']}/items"
        assert CRS84 in c["crs"] and EPSG3857 in c["crs"] and c["storageCrs"] == CRS84
    assert api("/ogc/collections/incident").get_json()["id"] == "incident"


def test_items_page_by_key_with_absolute_next_links_to_the_last(api, incidents):
    seen, href, pages = [], "/ogc/collections/incident/items?limit=2", 0
    while href:
        r = api(href.removeprefix("http://localhost"))
        assert r.status_code == 200 and r.mimetype == "application/geo+json"
        assert r.headers["Content-Crs"] == f"<{CRS84}>"
        body = r.get_json(force=True)
        assert body["type"] == "FeatureCollection" and body["numberReturned"] == len(body["features"])
        assert body["numberMatched"] == 5
        assert datetime.fromisoformat(body["timeStamp"]).tzinfo is not None
        seen += [f["id"] for f in body["features"]]
        nxt = [link for link in body["links"] if link["rel"] == "next"]
        href = nxt[0]["href"] if nxt else None
        if href:
            assert href.startswith("http://localhost/ogc/collections/incident/items?") and "limit=2" in href
            assert nxt[0]["type"] == "application/geo+json"
        pages += 1
    assert pages == 3 and seen == sorted(seen) and len(set(seen)) == 5


def test_bbox_datetime_and_property_filters(api, incidents):
    def ids(query: str) -> int:
        r = api(f"/ogc/collections/incident/items?{query}")
        assert r.status_code == 200, r.get_json(force=True)
        return r.get_json(force=True)["numberReturned"]

    assert ids("bbox=76.895,43.2,76.915,43.3") == 2
    assert ids("datetime=2026-11-02T15:00:00Z") == 1  # 20:00 at +05:00
    assert ids("datetime=2026-11-02") == 1
    assert ids("datetime=2026-11-02T00:00:00Z/2026-11-03T23:59:59Z") == 2
    assert ids("datetime=../2026-11-02T15:00:00Z") == 2
    assert ids("datetime=2026-11-04T00:00:00Z/..") == 2
    assert ids("category=theft") == 3
    assert ids("category=theft&bbox=76.895,43.2,76.915,43.3") == 2
    # EPSG:4326 axis order is latitude first; EPSG:3857 is metres
    assert ids(f"bbox=43.2,76.895,43.3,76.915&bbox-crs={EPSG4326}") == 2
    to_3857 = Transformer.from_crs(4326, 3857, always_xy=True)
    x0, y0 = to_3857.transform(76.895, 43.2)
    x1, y1 = to_3857.transform(76.915, 43.3)
    assert ids(f"bbox={x0},{y0},{x1},{y1}&bbox-crs={EPSG3857}") == 2


def test_the_crs_parameter_writes_geometries_in_that_crs(api, incidents):
    lonlat = api("/ogc/collections/incident/items?limit=1").get_json(force=True)["features"][0]
    fid = lonlat["id"]
    lon, lat = lonlat["geometry"]["coordinates"]
    r = api(f"/ogc/collections/incident/items/{fid}?crs={EPSG3857}")
    assert r.status_code == 200 and r.headers["Content-Crs"] == f"<{EPSG3857}>"
    x, y = r.get_json(force=True)["geometry"]["coordinates"]
    assert (x, y) == pytest.approx(Transformer.from_crs(4326, 3857, always_xy=True).transform(lon, lat), abs=0.01)
    flipped = api(f"/ogc/collections/incident/items?limit=1&crs={EPSG4326}").get_json(force=True)
    assert flipped["features"][0]["geometry"]["coordinates"] == pytest.approx([lat, lon])
    one = api(f"/ogc/collections/incident/items/{fid}").get_json(force=True)
    assert one["id"] == fid and one["type"] == "Feature"
    assert {link["rel"] for link in one["links"]} == {"self", "collection"}


def test_queryables_are_a_json_schema_of_the_filterable_fields(api, incidents):
    jsonschema = pytest.importorskip("jsonschema")
    r = api("/ogc/collections/incident/queryables")
    assert r.status_code == 200 and r.mimetype == "application/schema+json"
    schema = r.get_json(force=True)
    assert schema["type"] == "object" and schema["$id"] == "http://localhost/ogc/collections/incident/queryables"
    assert schema["properties"]["category"]["type"] == "string"
    assert schema["properties"]["weight"]["type"] == "number"
    assert schema["properties"]["occurred_at"]["format"] == "date-time"
    assert schema["properties"]["geometry"]["format"] == "geometry-point"
    jsonschema.Draft201909Validator.check_schema(schema)
    # every served feature's filterable properties hold to it
    validator = jsonschema.Draft201909Validator({**schema, "additionalProperties": True,
                                                 "properties": {k: v for k, v in schema["properties"].items()
                                                                if k not in {"geometry", "occurred_at"}}})
    for feature in api("/ogc/collections/incident/items").get_json(force=True)["features"]:
        validator.validate({k: v for k, v in feature["properties"].items() if v is not None})


@pytest.mark.parametrize("query, status, reason", [
    ("bbox=1,2,3", 400, "four numbers"),
    ("bbox=76,43,75,44", 400, "greater than its maximum"),
    ("bbox=x,43,77,44", 400, "must be numbers"),
    ("datetime=yesterday", 400, "RFC 3339"),
    ("datetime=2026-11-05T00:00:00Z/2026-11-01T00:00:00Z", 400, "starts after it ends"),
    ("datetime=../..", 400, "an instant or an interval"),
    ("limit=0", 400, "limit must be between"),
    ("limit=ten", 400, "limit must be a whole number"),
    ("crs=EPSG:32643", 400, "is not supported"),
    ("bbox-crs=" + EPSG3857, 400, "needs a bbox"),
    ("colour=red", 400, "unknown parameter 'colour'"),
    ("weight=heavy", 400, "weight must be a number"),
    ("f=html", 400, "f=html is not served"),
])
def test_bad_parameters_are_an_ogc_json_400(api, query, status, reason):
    r = api(f"/ogc/collections/incident/items?{query}")
    assert r.status_code == status and r.is_json
    body = r.get_json()
    assert body["code"] == "InvalidParameterValue" and reason in body["description"]


def test_unknown_collections_and_features_are_a_json_404(api):
    for path in ("/ogc/collections/checkpoints", "/ogc/collections/checkpoints/items",
                 "/ogc/collections/district/items/2147480000", "/ogc/nothing"):
        r = api(path)
        assert r.status_code == 404 and r.is_json and r.get_json()["code"] == "NotFound", path


def test_a_datetime_on_a_collection_without_time_is_a_400(api):
    r = api("/ogc/collections/district/items?datetime=2026-11-02")
    assert r.status_code == 400 and "has no time" in r.get_json()["description"]


def test_a_limit_above_the_maximum_is_served_as_the_maximum(api, incidents):
    assert api("/ogc/collections/incident/items?limit=1000000").get_json(force=True)["numberReturned"] == 5


@pytest.fixture
def leader_world(session):
    lw = build_leader_world(session, tag="ogc")
    reporter = lw.leader.user_id
    for formation, where in ((lw.world.formation, (76.925, 43.245)), (lw.world.unnotified, (77.05, 43.25))):
        session.add(FieldReport(category="order-demand", observed_at=datetime(2026, 11, 1, tzinfo=timezone.utc),
                                description="seen", formation_id=formation, reported_by=reporter,
                                geom=f"SRID=4326;POINT({where[0]} {where[1]})"))
    leader_token = api_tokens.create_token(session, lw.leader, name="qgis").secret
    admin = add_user(session, "ogc-admin2", ["admin"])
    admin_token = api_tokens.create_token(session, principal_of(session, admin), name="gdal").secret
    session.commit()
    return lw, leader_token, admin_token


def test_a_leaders_token_reads_only_the_leaders_rows_and_no_incidents(app, leader_world):
    lw, leader_token, admin_token = leader_world
    client = app.test_client(use_cookies=False)

    def ids(token, name):
        r = client.get(f"/ogc/collections/{name}/items?limit=1000", headers=bearer(token))
        assert r.status_code == 200, r.data
        return {f["id"] for f in r.get_json(force=True)["features"]}

    collections = {c["id"] for c in client.get("/ogc/collections", headers=bearer(leader_token))
                   .get_json()["collections"]}
    assert "incident" not in collections and {"formation", "field_report"} <= collections
    assert ids(leader_token, "formation") == {lw.world.formation}
    assert {lw.world.formation, lw.world.unnotified} <= ids(admin_token, "formation")
    assert len(ids(leader_token, "field_report")) == 1 and len(ids(admin_token, "field_report")) == 2
    assert ids(leader_token, "patrol_zone") < ids(admin_token, "patrol_zone")
    r = client.get("/ogc/collections/incident/items", headers=bearer(leader_token))
    assert r.status_code == 403 and r.get_json()["code"] == "Forbidden"
    other = client.get(f"/ogc/collections/formation/items/{lw.world.unnotified}", headers=bearer(leader_token))
    assert other.status_code == 404


def test_datetime_keeps_the_events_whose_period_meets_the_interval(api, session):
    from shapely.geometry import box
    frame = gpd.GeoDataFrame(
        {"name": ["Match", "Concert"], "kind": ["sporting", "cultural"],
         "starts_at": ["2026-11-01 18:00+05:00", "2026-11-03 18:00+05:00"],
         "ends_at": ["2026-11-01 22:00+05:00", "2026-11-04 01:00+05:00"], "expected_attendance": [5000, 800]},
        geometry=[box(76.90, 43.23, 76.91, 43.24), box(76.92, 43.23, 76.93, 43.24)], crs=4326)
    services.import_frame(session, "event", frame, name="events", actor=SYSTEM)
    session.commit()

    def names(query: str) -> list[str]:
        r = api(f"/ogc/collections/event/items?{query}")
        assert r.status_code == 200, r.get_json(force=True)
        return sorted(f["properties"]["name"] for f in r.get_json(force=True)["features"])

    assert names("datetime=2026-11-01T15:00:00Z") == ["Match"]          # 20:00 in Almaty, mid-match
    assert names("datetime=2026-11-03T19:30:00Z") == ["Concert"]        # past midnight in Almaty
    assert names("datetime=2026-11-01T18:00:00Z/2026-11-03T12:00:00Z") == []  # between the two
    assert names("datetime=2026-11-01T16:00:00Z/..") == ["Concert", "Match"]
    assert names("datetime=../2026-11-01T12:59:59Z") == []              # before the match starts
    assert names("kind=cultural") == ["Concert"]
