"""The analyst's page /analysis: answers on the demo and on imported SF incidents, local assets, escaped text."""
from __future__ import annotations

import geopandas as gpd
import pytest
from shapely.geometry import Point, box

from geo import demo, services
from geo.access import SYSTEM
from geo.ingest.mapping import Mapping
from geo.ingest.validate import Extent
from geo.progress import silent
from tests.web.test_analysis_tiles import tiled_cells
from tests.web.test_map_page import ESCAPED, XSS, geojson_layers, loaded_urls

SF_MAPPING = Mapping(fields={"occurred_at": "Date", "category": "Category", "external_id": "IncidntNum"},
                     constants={"source": "police-record"}, timezone="America/Los_Angeles")


def page_of(client, path: str = "/analysis") -> str:
    r = client.get(path)
    assert r.status_code == 200 and r.mimetype == "text/html"
    return r.get_data(as_text=True)


def assert_local(html: str) -> None:
    urls = loaded_urls(html)
    assert urls and all(u.startswith("/static/") for u in urls), urls


def coloured(client, html: str, run: dict) -> int:
    """How many cells the run's map draws: none embedded in the page, the run's tiles holding them."""
    assert not [layer for layer in geojson_layers(html) if any("colour" in f.get("properties", {})
                                                                for f in layer.get("features", []))]
    assert f"/tiles/analysis/{run['id']}/{{z}}/{{x}}/{{y}}.mvt" in html
    return len(tiled_cells(client, run["id"]))


@pytest.fixture(scope="module")
def demo_data(module_session, shared_data):
    """The demo loaded once for the module; each test using it runs in a savepoint rolled back after it."""
    demo.load_demo(module_session, shared_data, seed=641, progress=silent, replace=True)
    module_session.commit()


def test_the_page_answers_with_an_empty_database(client):
    html = page_of(client)
    assert 'id="analysis-form"' in html and "/static/analysis.js" in html
    assert_local(html)


@pytest.mark.realdata
def test_the_page_answers_on_the_demo_and_shows_a_gi_star_run(client, demo_data):
    html = page_of(client)
    assert 'value="theft"' in html and 'value="district:' in html and "Almaly" in html
    run = client.post("/api/v1/analyses", json={"method": "gi_star", "categories": ["theft"]}).get_json()
    html = page_of(client, f"/analysis?run={run['id']}")
    assert "Gi* hot and cold spots" in html and "confidence 99 %" in html and "false discovery rate" in html
    assert "synthetic demo data, not real records" in html
    assert html.count("<tr data-lat=") == len(run["summary"]["top"]) > 0
    assert "<svg" in html and "<rect" in html
    assert coloured(client, html, run) == sum(v for k, v in run["summary"]["classes"].items() if k != "0")
    assert 'value="theft" checked' in html  # the form repeats the run's selection
    assert_local(html)


@pytest.mark.realdata
@pytest.mark.parametrize("options", [{"method": "local_moran", "aggregation": "hexagon", "cell_size_m": 500},
                                     {"method": "kde", "bandwidth_m": 500, "cell_size_m": 50}])
def test_local_moran_and_kde_runs_have_their_own_legends(client, demo_data, options):
    run = client.post("/api/v1/analyses", json=options).get_json()
    html = page_of(client, f"/analysis?run={run['id']}")
    legend = "High-high cluster (HH)" if options["method"] == "local_moran" else "incidents per km²"
    assert legend in html and coloured(client, html, run) > 0
    assert "leaflet-heat" not in html and "HeatMap" not in html


@pytest.mark.realdata
def test_the_page_answers_on_imported_san_francisco_incidents(client, session, shared_data):
    services.import_layer(session, "incident", shared_data / "sf_crime_2012/sf_crime_jul_dec_2012_points.csv",
                          mapping=SF_MAPPING, actor=SYSTEM,
                          extent=Extent.parse("-122.6,37.6,-122.3,37.9"))  # the demo's districts are Almaty's
    session.flush()
    html = page_of(client)
    assert 'value="DRUG/NARCOTIC"' in html and 'name="start" value="2012-07-01"' in html
    run = client.post("/api/v1/analyses", json={"method": "gi_star", "categories": ["DRUG/NARCOTIC"],
                                                 "timezone": "America/Los_Angeles"}).get_json()
    html = page_of(client, f"/analysis?run={run['id']}")
    assert "America/Los_Angeles" in html and "synthetic demo data, not real records" not in html
    assert coloured(client, html, run) > 0
    assert_local(html)


@pytest.mark.realdata
def test_the_space_time_analyses_run_from_the_page_on_san_francisco(client, session, shared_data):
    """Emerging hot spots and the Knox test through the API the page posts to, on the real SF incidents,
    and their result pages."""
    services.import_layer(session, "incident", shared_data / "sf_crime_2012/sf_crime_jul_dec_2012_points.csv",
                          mapping=SF_MAPPING, actor=SYSTEM, extent=Extent.parse("-122.6,37.6,-122.3,37.9"))
    session.flush()
    html = page_of(client)
    assert 'value="emerging"' in html and 'value="knox"' in html
    sf = {"timezone": "America/Los_Angeles"}
    emerging = client.post("/api/v1/analyses", json={"method": "emerging", "cell_size_m": 400, "time_step": "week",
                                                     "categories": ["DRUG/NARCOTIC"], **sf})
    assert emerging.status_code == 201, emerging.data[:400]
    found = {k: n for k, n in emerging.get_json()["summary"]["classes"].items() if n and k != "none"}
    assert len(found) >= 2
    html = page_of(client, f"/analysis?run={emerging.get_json()['id']}")
    assert "America/Los_Angeles" in html
    knox = client.post("/api/v1/analyses/knox", json={"categories": ["VEHICLE THEFT"], "seed": 2012, **sf})
    assert knox.status_code == 201, knox.data[:400]
    assert "Same location: over-represented for up to 7 days" in knox.get_json()["plain"]
    shown = client.get(knox.get_json()["page"])
    assert shown.status_code == 200 and "over-represented" in shown.get_data(as_text=True)


def test_hostile_names_reach_the_page_as_text(client, session):
    services.import_frame(session, "patrol_zone", gpd.GeoDataFrame(
        {"name": [XSS], "note": [XSS]}, geometry=[box(76.90, 43.24, 76.91, 43.25)], crs=4326), name="test",
        actor=SYSTEM)
    services.import_frame(session, "incident", gpd.GeoDataFrame(
        {"occurred_at": ["2026-02-01 10:00"] * 3, "category": [XSS] * 3},
        geometry=[Point(76.901, 43.241), Point(76.902, 43.242), Point(76.905, 43.245)], crs=4326), name="test",
        actor=SYSTEM)
    session.flush()
    html = page_of(client)
    assert XSS not in html
    assert ESCAPED in html


def test_an_unknown_run_is_a_404_page(client):
    r = client.get("/analysis?run=987654")
    assert r.status_code == 404 and r.mimetype == "text/html"


@pytest.fixture
def area_world(session):
    """Thirty-six square analysis areas in Almaty (set "blocks"), thefts over them all and many more in
    one corner."""
    import numpy as np

    squares = [box(76.90 + 0.01 * i, 43.22 + 0.01 * j, 76.91 + 0.01 * i, 43.23 + 0.01 * j)
               for i in range(6) for j in range(6)]
    services.import_frame(session, "analysis_area", gpd.GeoDataFrame(
        {"name": [f"block {n}" for n in range(36)], "set_name": ["blocks"] * 36}, geometry=squares, crs=4326),
        name="blocks", actor=SYSTEM)
    rng = np.random.default_rng(11)
    xy = np.vstack([np.column_stack([rng.uniform(76.9, 76.96, 100), rng.uniform(43.22, 43.28, 100)]),
                    np.column_stack([rng.uniform(76.9, 76.92, 300), rng.uniform(43.22, 43.24, 300)])])
    services.import_frame(session, "incident", gpd.GeoDataFrame(
        {"occurred_at": ["2026-03-01 10:00"] * len(xy), "category": ["theft"] * len(xy)},
        geometry=[Point(p) for p in xy], crs=4326), name="thefts", actor=SYSTEM)
    session.commit()


def test_the_form_offers_the_grid_options_and_the_sets_of_analysis_areas(client, area_world):
    html = page_of(client)
    for name in ("crs", "extent", "origin_x", "origin_y", "weight_field", "area_set"):
        assert f'name="{name}"' in html, name
    assert 'value="analysis_area"' in html and "blocks (36 areas)" in html
    run = client.post("/api/v1/analyses", json={"method": "gi_star", "aggregation": "analysis_area",
                                                "area_set": "blocks"}).get_json()
    html = page_of(client, f"/analysis?run={run['id']}")
    assert 'value="analysis_area" selected' in html and 'value="blocks" selected' in html
    hot = [spot["name"] for spot in run["summary"]["top"]]
    assert hot and all(name.startswith("block ") and name in html for name in hot)  # the table names them
    assert coloured(client, html, run) == sum(v for k, v in run["summary"]["classes"].items() if k != "0")  # and the map
    grid = client.post("/api/v1/analyses", json={"method": "gi_star", "cell_size_m": 500, "crs": 32643,
                                                 "origin": [100, 200], "extent": "layer"}).get_json()
    html = page_of(client, f"/analysis?run={grid['id']}")
    assert 'name="crs" min="1024" value="32643"' in html and 'value="layer" selected' in html
    assert 'name="origin_x" step="any" value="100"' in html
    assert "Grid in EPSG:32643 from origin 100, 200 m." in html
    assert_local(html)


@pytest.mark.realdata
def test_the_top_hot_spots_name_the_nearest_public_place_and_the_district(client, demo_data, session):
    """Each hot cell of the demo's theft run is named by the public place nearest its centre (PostGIS,
    within 400 m) and the district holding it, checked against a distance computed here."""
    from geo.db.models import District, PublicPlace

    run = client.post("/api/v1/analyses", json={"method": "gi_star", "categories": ["theft"]}).get_json()
    top = run["summary"]["top"]
    html = page_of(client, f"/analysis?run={run['id']}")
    places = gpd.GeoDataFrame.from_postgis("SELECT name, geom FROM public_place", session.connection(),
                                           geom_col="geom").to_crs(32643)
    districts = gpd.GeoDataFrame.from_postgis("SELECT name, geom FROM district", session.connection(),
                                              geom_col="geom")
    named = 0
    for spot in top:
        centre = gpd.GeoSeries([Point(spot["lon"], spot["lat"])], crs=4326)
        distance = places.distance(centre.to_crs(32643).iloc[0])
        district = districts[districts.covers(centre.iloc[0])]["name"].tolist()
        if distance.min() <= 390:  # clear of the 400 m edge and of planar vs spheroid metres
            nearest = places.loc[distance.idxmin(), "name"]
            assert f"near {nearest} (" in html
            named += 1
        if district:
            assert district[0] in html
    assert named > 0
    assert PublicPlace and District  # imported for the reader of this test: the layers it reads


def test_permutations_that_cannot_reach_significance_are_told_before_the_run(client, session):
    """Reach: 99 permutations give p >= 0.02; over a city of 100 m cells FDR at 0.10 needs a fifth of
    them there. The page is told before the run (in the reader's language) and analytic p is not."""
    rows = [{"occurred_at": "2026-11-01 21:00", "category": "theft", "source": "police-record"}
            for _ in range(40)]
    points = [Point(76.85 + 0.004 * (i % 20), 43.20 + 0.004 * (i // 20)) for i in range(40)]
    services.import_frame(session, "incident", gpd.GeoDataFrame(rows, geometry=points, crs=4326), name="test",
                          actor=SYSTEM)
    session.flush()
    body = {"method": "gi_star", "cell_size_m": 100, "permutations": 99, "extent": "selection"}
    answer = client.post("/api/v1/analyses/reach", json=body)
    assert answer.status_code == 200
    found = answer.get_json()
    assert found["smallest_p"] == pytest.approx(0.02) and found["cells"] > 100
    assert found["needed"] == -(-found["cells"] * 2 // 10) and found["doubtful"]
    assert "99 permutations" in found["warning"] and "analytic p-values" in found["warning"]
    ru = client.post("/api/v1/analyses/reach", json=body, headers={"Accept-Language": "ru"}).get_json()
    assert "перестановок" in ru["warning"]
    analytic = client.post("/api/v1/analyses/reach", json={**body, "permutations": 0}).get_json()
    assert analytic["warning"] is None and not analytic["doubtful"]
    assert client.post("/api/v1/analyses/reach", json={**body, "cell_size_m": -5}).status_code == 400
    assert 'id="reach"' in page_of(client)
