"""/api/v1/analyses and /api/v1/incidents/series: status codes, content types, GeoJSON and CSV shapes."""
from __future__ import annotations

import csv
import io

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from geo import services
from geo.access import SYSTEM

CLUSTER = (76.93, 43.25)


@pytest.fixture(scope="module")
def incidents(module_session):
    """Two districts; 300 thefts spread over them and 120 more packed around one corner (seeded), stored
    once for the module."""
    services.import_frame(module_session, "district", gpd.GeoDataFrame(
        {"name": ["West", "East"]}, geometry=[box(76.88, 43.22, 76.92, 43.28), box(76.92, 43.22, 76.96, 43.28)],
        crs=4326), name="test districts", actor=SYSTEM)
    rng = np.random.default_rng(641)
    spread = np.column_stack([rng.uniform(76.885, 76.955, 300), rng.uniform(43.225, 43.275, 300)])
    packed = np.column_stack([rng.normal(CLUSTER[0], 0.002, 120), rng.normal(CLUSTER[1], 0.0015, 120)])
    points = np.vstack([spread, packed])
    days = rng.integers(1, 29, len(points))
    frame = gpd.GeoDataFrame({"occurred_at": [f"2026-02-{d:02d} 21:30" for d in days],
                              "category": ["theft"] * len(points),
                              "source": ["police-record" if i % 3 else "synthetic-demo" for i in range(len(points))]},
                             geometry=[Point(xy) for xy in points], crs=4326)
    services.import_frame(module_session, "incident", frame, name="test incidents", actor=SYSTEM)
    module_session.commit()
    return frame


def post(client, **body):
    return client.post("/api/v1/analyses", json={"method": "gi_star", **body})


def test_a_run_answers_201_with_its_summary_and_location(client, incidents):
    r = post(client, cell_size_m=300, categories=["theft"])
    assert r.status_code == 201 and r.is_json
    run = r.get_json()
    assert r.headers["Location"].endswith(f"/api/v1/analyses/{run['id']}")
    assert run["method"] == "gi_star" and run["summary"]["incidents"] == len(incidents)
    assert run["summary"]["synthetic_incidents"] == 140
    assert run["parameters"]["cell_size_m"] == 300 and run["selection"]["timezone"] == "Asia/Almaty"
    top = run["summary"]["top"][0]
    assert abs(top["lon"] - CLUSTER[0]) < 0.005 and abs(top["lat"] - CLUSTER[1]) < 0.005
    again = client.get(r.headers["Location"])
    assert again.status_code == 200 and again.get_json() == run


def test_cells_are_geojson_and_the_export_is_csv(client, incidents):
    run = post(client, method="local_moran", aggregation="hexagon", cell_size_m=400).get_json()
    cells = client.get(f"/api/v1/analyses/{run['id']}/cells")
    assert cells.status_code == 200 and cells.mimetype == "application/geo+json"
    collection = cells.get_json(force=True)
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == run["summary"]["cells"]
    assert {f["geometry"]["type"] for f in collection["features"]} == {"Polygon"}
    assert all(f["id"] == f["properties"]["cell_id"] for f in collection["features"])
    export = client.get(f"/api/v1/analyses/{run['id']}/export.csv")
    assert export.status_code == 200 and export.mimetype == "text/csv"
    assert "attachment" in export.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(export.get_data(as_text=True))))
    assert len(rows) == run["summary"]["cells"] and {"quadrant", "p_fdr", "wkt_epsg4326"} <= set(rows[0])


def test_kde_and_polygon_aggregation_runs_answer_too(client, incidents):
    kde = post(client, method="kde", bandwidth_m=300, cell_size_m=30)
    assert kde.status_code == 201 and kde.get_json()["summary"]["unit"] == "incidents per km²"
    districts = post(client, aggregation="district", area=None)
    assert districts.status_code == 400 and "at least 4" in districts.get_json()["error"]


def test_the_list_shows_the_newest_run_first(client, incidents):
    first = post(client).get_json()["id"]
    second = post(client, cell_size_m=500).get_json()["id"]
    listed = client.get("/api/v1/analyses?limit=1")
    assert listed.status_code == 200
    body = listed.get_json()
    assert body["total"] == 2 and [r["id"] for r in body["runs"]] == [second] and first < second


@pytest.mark.parametrize("path", ["/api/v1/analyses/424242", "/api/v1/analyses/424242/cells",
                                  "/api/v1/analyses/424242/export.csv"])
def test_an_unknown_run_is_404_with_a_json_reason(client, path):
    r = client.get(path)
    assert r.status_code == 404 and r.is_json and "424242" in r.get_json()["error"]


@pytest.mark.parametrize(("body", "reason"), [
    ({"method": "gi_star", "start": "2026-03-01", "end": "2026-02-01"}, "must come after start"),
    ({"method": "gi_star", "colour": "red"}, "unknown field"),
    ({"cell_size_m": 250}, "missing field"),
    ({"method": "kde", "bandwidth_m": 0}, "bandwidth_m"),
    ({"method": "gi_star", "area": {"kind": "district", "id": 9999}}, "no district with id 9999"),
    ({"method": "gi_star", "categories": ["arson"]}, "no incidents match"),
    ({"method": "gi_star", "cell_size_m": "big"}, "cell_size_m must be a number"),
    ({"method": "nearest"}, "unknown method"),
])
def test_bad_parameters_are_400_with_the_reason_and_store_nothing(client, incidents, body, reason):
    r = client.post("/api/v1/analyses", json=body)
    assert r.status_code == 400 and reason in r.get_json()["error"]
    assert client.get("/api/v1/analyses").get_json()["total"] == 0


def test_a_body_that_is_not_json_is_400(client):
    r = client.post("/api/v1/analyses", data="method=gi_star", content_type="application/x-www-form-urlencoded")
    assert r.status_code == 400 and "json" in r.get_json()["error"].lower()


def test_the_series_counts_the_selection_per_day_and_per_hour(client, session, incidents):
    districts = services.layer_features(session, "district", limit=10, viewer=SYSTEM).frame.set_index("name")
    east = int(districts.loc["East", "id"])
    r = client.get(f"/api/v1/incidents/series?start=2026-02-01&end=2026-02-28&category=theft&district={east}")
    assert r.status_code == 200 and r.is_json
    series = r.get_json()
    assert series["interval"] == "day" and len(series["buckets"]) == 28
    assert series["total"] == sum(b["count"] for b in series["buckets"]) > 0
    assert series["synthetic"] == sum(b["synthetic"] for b in series["buckets"])
    hourly = client.get("/api/v1/incidents/series?interval=hour&weekdays=0,1,2,3,4,5,6&hour_band=21,22").get_json()
    assert [b["t"] for b in hourly["buckets"]] == list(range(24))
    assert hourly["buckets"][21]["count"] == hourly["total"] == len(incidents)


@pytest.mark.parametrize(("query", "reason"), [
    ("interval=week", "unknown interval"), ("weekdays=mon", "whole numbers"), ("hour_band=3", "two hours"),
    ("district=1&patrol_zone=2", "at most one"), ("polygon=notjson", "GeoJSON"), ("timezone=Nowhere", "time zone"),
])
def test_bad_series_arguments_are_400(client, query, reason):
    r = client.get(f"/api/v1/incidents/series?{query}")
    assert r.status_code == 400 and reason in r.get_json()["error"]


def test_requests_and_answers_match_the_openapi_document(client, incidents):
    jsonschema = pytest.importorskip("jsonschema")
    doc = client.get("/api/v1/openapi.json").get_json()

    def check(instance, path: str, method: str, status: str | None = None, kind: str = "application/json"):
        operation = doc["paths"][path][method]
        holder = operation["requestBody"] if status is None else operation["responses"][status]
        schema = {**holder["content"][kind]["schema"], "components": doc["components"]}
        jsonschema.Draft202012Validator(schema).validate(instance)

    body = {"method": "gi_star", "start": "2026-02-01", "end": "2026-02-28", "weekdays": [4, 5],
            "hour_band": [18, 23], "categories": ["theft"], "cell_size_m": 300, "permutations": 0,
            "area": {"kind": "polygon", "geometry": {"type": "Polygon", "coordinates": [
                [[76.88, 43.22], [76.96, 43.22], [76.96, 43.28], [76.88, 43.22]]]}}}
    check(body, "/analyses", "post")
    created = client.post("/api/v1/analyses", json=body)
    assert created.status_code == 201
    run = created.get_json()
    check(run, "/analyses", "post", "201")
    check(client.get(f"/api/v1/analyses/{run['id']}").get_json(), "/analyses/{run_id}", "get", "200")
    check(client.get("/api/v1/analyses").get_json(), "/analyses", "get", "200")
    cells = client.get(f"/api/v1/analyses/{run['id']}/cells").get_json(force=True)
    check(cells, "/analyses/{run_id}/cells", "get", "200", "application/geo+json")
    check(client.get("/api/v1/incidents/series").get_json(), "/incidents/series", "get", "200")


def test_two_runs_of_one_method_compare_cell_by_cell_and_across_methods_is_a_400(client, session):
    from datetime import datetime, timedelta, timezone

    import geopandas as gpd
    from shapely.geometry import Point

    from geo import services
    from geo.access import SYSTEM

    start = datetime(2026, 10, 1, 20, tzinfo=timezone.utc)
    frame = gpd.GeoDataFrame(
        {"occurred_at": [(start + timedelta(hours=i)).isoformat() for i in range(60)], "category": ["theft"] * 60},
        geometry=[Point(76.90 + 0.002 * (i % 6), 43.25 + 0.002 * (i // 6)) for i in range(60)], crs=4326)
    services.import_frame(session, "incident", frame, name="compare", actor=SYSTEM)
    session.commit()
    body = {"method": "gi_star", "cell_size_m": 250, "start": "2026-09-01", "end": "2026-11-01"}
    a = client.post("/api/v1/analyses", json=body).get_json()["id"]
    b = client.post("/api/v1/analyses", json=body | {"end": "2026-10-02"}).get_json()["id"]
    k = client.post("/api/v1/analyses", json={"method": "kde", "bandwidth_m": 300, "cell_size_m": 50,
                                               "start": "2026-09-01", "end": "2026-11-01"}).get_json()["id"]
    same = client.get(f"/api/v1/analyses/{a}/compare/{a}").get_json()
    assert same["changed"] == 0 and same["shared"] > 0 and same["only_a"] == same["only_b"] == 0
    other = client.get(f"/api/v1/analyses/{a}/compare/{b}")
    assert other.status_code == 200 and other.get_json()["method"] == "gi_star"
    assert client.get(f"/api/v1/analyses/{a}/compare/{k}").status_code == 400
    assert client.get(f"/api/v1/analyses/{a}/compare/999999").status_code == 404


def test_grid_options_are_taken_stored_and_shown_back(client, incidents):
    r = post(client, cell_size_m=300, crs=32643, origin=[150, 150], extent="layer", categories=["THEFT"])
    assert r.status_code == 201, r.get_json()
    run = r.get_json()
    assert {k: run["parameters"][k] for k in ("crs", "origin", "extent")} == {"crs": 32643, "origin": [150, 150], "extent": "layer"}
    assert run["summary"]["incidents"] == len(incidents)  # "THEFT" matches the stored "theft"
    assert run["summary"]["grid"]["metric_crs"] == "EPSG:32643" and run["summary"]["grid"]["origin"] == [150, 150]
    assert client.get(f"/api/v1/analyses/{run['id']}").get_json()["parameters"]["origin"] == [150, 150]


@pytest.mark.parametrize(("body", "reason"), [
    ({"crs": 4326}, "EPSG:4326 (WGS 84) is geographic, in degrees"),
    ({"crs": 2227}, "measures in US survey foot"),
    ({"crs": 1234567}, "crs must be an EPSG code"),
    ({"extent": "area"}, "extent 'area' needs an area"),
    ({"weight_field": "priority"}, "unknown weight_field 'priority'"),
    ({"categories": ["arson"]}, "stored categories (any case matches): theft (420)"),
])
def test_bad_grid_options_answer_400_with_the_reason(client, incidents, body, reason):
    r = post(client, **body)
    assert r.status_code == 400 and r.is_json
    assert reason in r.get_json()["error"], r.get_json()


def test_a_25_m_density_without_a_cell_size_answers_201(client, incidents):
    r = post(client, method="kde", bandwidth_m=25, weight_field="weight")
    assert r.status_code == 201, r.get_json()
    run = r.get_json()
    assert run["parameters"]["cell_size_m"] >= 5 and run["parameters"]["weight_field"] == "weight"
    assert run["summary"]["density"]["mass"] == pytest.approx(len(incidents), rel=1e-2)  # no weights: ones
