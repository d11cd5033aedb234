"""Exports opened by readers no one here wrote: GDAL (ogrinfo, its CSV driver), pyogrio and pandas."""
from __future__ import annotations

import io
import json
import re
import subprocess

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point, box
from sqlalchemy import func, select

from geo import services
from geo.access import SYSTEM
from geo.db.models import Incident
from geo.layers import LAYERS
from geo.services.exports import layer_gpkg

GPKG = "application/geopackage+sqlite3"
DESCRIPTIONS = ["bag taken, near \"Green\" market", "Сумка украдена", None]
RULES = "Rules: MIA Order 641 of 27.11.2004 as amended 05.10.2023"


@pytest.fixture(scope="module")
def incidents(module_session):
    """Two districts; 260 incidents of two categories over February (seeded), with weights and
    descriptions holding commas, quotes and Cyrillic; stored once for the module."""
    services.import_frame(module_session, "district", gpd.GeoDataFrame(
        {"name": ["West", "East"]}, geometry=[box(76.88, 43.22, 76.92, 43.28), box(76.92, 43.22, 76.96, 43.28)],
        crs=4326), name="test districts", actor=SYSTEM)
    rng = np.random.default_rng(13)
    n = 260
    points = np.column_stack([rng.uniform(76.885, 76.955, n), rng.uniform(43.225, 43.275, n)])
    points[:80] = np.column_stack([rng.normal(76.93, 0.002, 80), rng.normal(43.25, 0.0015, 80)])
    frame = gpd.GeoDataFrame({
        "occurred_at": [f"2026-02-{d:02d} 21:30" for d in rng.integers(1, 29, n)],
        "category": ["theft" if i % 4 else "burglary" for i in range(n)],
        "weight": [float(1 + i % 3) for i in range(n)],
        "description": [DESCRIPTIONS[i % 3] for i in range(n)]},
        geometry=[Point(xy) for xy in points], crs=4326)
    services.import_frame(module_session, "incident", frame, name="test incidents", actor=SYSTEM)
    module_session.commit()
    return frame


def saved(response, tmp_path, name: str):
    path = tmp_path / name
    path.write_bytes(response.get_data())
    return path


def ogrinfo(*args: str) -> str:
    done = subprocess.run(["ogrinfo", "-ro", *args], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_a_layer_is_a_geopackage_gdal_opens_with_every_row(client, session, incidents, tmp_path):
    r = client.get("/api/v1/layers/incident/export.gpkg")
    assert r.status_code == 200 and r.mimetype == GPKG
    disposition = r.headers["Content-Disposition"]
    assert disposition.startswith("attachment") and "kuzet-incident-" in disposition and disposition.endswith(".gpkg")
    path = saved(r, tmp_path, "incident.gpkg")
    info = ogrinfo("-so", str(path), "incident")
    stored = session.scalar(select(func.count()).select_from(Incident))
    assert f"Feature Count: {stored}" in info and 'ID["EPSG",4326]' in info and "Geometry: Point" in info
    assert pyogrio.list_layers(path)[:, 0].tolist() == ["incident"]
    read = pyogrio.read_dataframe(path)
    assert read.crs.to_epsg() == 4326 and len(read) == stored == len(incidents)
    assert read["category"].value_counts().to_dict() == incidents["category"].value_counts().to_dict()
    assert read["weight"].dtype == np.float64 and read["weight"].sum() == incidents["weight"].sum()
    assert set(read["description"].dropna()) == {d for d in DESCRIPTIONS if d}
    by_id = read.set_index("id").sort_index()
    db = session.execute(select(Incident.id, func.ST_X(Incident.geom), func.ST_Y(Incident.geom))
                         .order_by(Incident.id)).all()
    assert by_id.index.tolist() == [row[0] for row in db]
    assert np.allclose(by_id.geometry.x, [row[1] for row in db], atol=1e-12)
    assert np.allclose(by_id.geometry.y, [row[2] for row in db], atol=1e-12)


def test_a_large_layer_is_written_in_chunks_that_add_up(session, incidents, tmp_path):
    made = layer_gpkg(session, "incident", viewer=SYSTEM, directory=tmp_path, chunk_rows=37)
    read = pyogrio.read_dataframe(made.path)
    assert made.layers == {"incident": len(incidents)} and len(read) == len(incidents)
    assert read["id"].is_unique and read["id"].is_monotonic_increasing


def test_a_bbox_keeps_the_features_that_meet_it(client, session, incidents, tmp_path):
    r = client.get("/api/v1/layers/incident/export.gpkg?bbox=76.92,43.22,76.96,43.28")
    read = pyogrio.read_dataframe(saved(r, tmp_path, "east.gpkg"))
    expected = incidents.cx[76.92:76.96, 43.22:43.28]
    assert len(read) == len(expected) > 0 and (read.geometry.x >= 76.92).all()


def test_districts_keep_their_names_and_multipolygons(client, incidents, tmp_path):
    path = saved(client.get("/api/v1/layers/district/export.gpkg"), tmp_path, "district.gpkg")
    assert "Geometry: Multi Polygon" in ogrinfo("-so", str(path), "district")
    assert sorted(pyogrio.read_dataframe(path)["name"]) == ["East", "West"]


def test_an_empty_layer_is_a_geopackage_with_its_fields_and_no_feature(client, incidents, tmp_path):
    path = saved(client.get("/api/v1/layers/event/export.gpkg"), tmp_path, "event.gpkg")
    info = ogrinfo("-so", str(path), "event")
    assert "Feature Count: 0" in info and "starts_at:" in info and "expected_attendance:" in info


def test_a_selection_is_a_geopackage_of_its_incidents(client, session, incidents, tmp_path):
    districts = services.layer_features(session, "district", limit=10, viewer=SYSTEM).frame.set_index("name")
    west = int(districts.loc["West", "id"])
    r = client.get(f"/api/v1/incidents/export.gpkg?category=burglary&start=2026-02-01&end=2026-02-15&district={west}")
    assert r.status_code == 200 and r.mimetype == GPKG and "attachment" in r.headers["Content-Disposition"]
    read = pyogrio.read_dataframe(saved(r, tmp_path, "selection.gpkg"))
    local = pd.to_datetime(incidents["occurred_at"]).dt.tz_localize("Asia/Almaty")
    inside = incidents.geometry.within(box(76.88, 43.22, 76.92, 43.28))
    # an end date without a time means its whole day
    expected = incidents[(incidents["category"] == "burglary") & (local < pd.Timestamp("2026-02-16", tz="Asia/Almaty"))
                         & inside]
    assert len(read) == len(expected) > 0 and set(read["category"]) == {"burglary"}


def test_a_selection_that_makes_no_sense_is_400(client, incidents):
    r = client.get("/api/v1/incidents/export.gpkg?start=2026-03-01&end=2026-02-01")
    assert r.status_code == 400 and "after start" in r.get_json()["error"]
    r = client.get("/api/v1/incidents/export.gpkg?bbox=77,43,76,44")
    assert r.status_code == 400 and "bbox" in r.get_json()["error"]


def run(client, **body) -> dict:
    r = client.post("/api/v1/analyses", json={"method": "gi_star", "cell_size_m": 400, **body})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def test_a_hot_spot_run_is_a_geopackage_of_its_cells_and_the_run(client, incidents, tmp_path):
    made = run(client)
    r = client.get(f"/api/v1/analyses/{made['id']}/export.gpkg")
    assert r.status_code == 200 and r.mimetype == GPKG
    assert f"kuzet-analysis-{made['id']}-gi-star.gpkg" in r.headers["Content-Disposition"]
    path = saved(r, tmp_path, "run.gpkg")
    assert sorted(pyogrio.list_layers(path)[:, 0]) == ["hotspot_cells", "run"]
    cells = pyogrio.read_dataframe(path, layer="hotspot_cells")
    assert cells.crs.to_epsg() == 4326 and len(cells) == made["summary"]["cells"]
    geojson = client.get(f"/api/v1/analyses/{made['id']}/cells").get_json(force=True)
    z = {f["properties"]["cell_id"]: f["properties"]["z"] for f in geojson["features"]}
    assert np.allclose(cells.set_index("cell_id")["z"].sort_index(), [z[k] for k in sorted(z)], equal_nan=True)
    assert set(cells["class"].dropna().astype(int)) <= set(range(-3, 4))
    about = pyogrio.read_dataframe(path, layer="run", read_geometry=False)
    assert about["method"].tolist() == ["gi_star"] and json.loads(about["parameters"][0])["cell_size_m"] == 400


def test_a_kde_run_is_its_surface(client, incidents, tmp_path):
    made = run(client, method="kde", bandwidth_m=300, cell_size_m=100)
    path = saved(client.get(f"/api/v1/analyses/{made['id']}/export.gpkg"), tmp_path, "kde.gpkg")
    surface = pyogrio.read_dataframe(path, layer="kde_surface")
    assert len(surface) == made["summary"]["cells"] and (surface["value"] >= 0).all()
    stored = client.get(f"/api/v1/analyses/{made['id']}/cells").get_json(force=True)["features"]
    assert set(surface.geom_type) == {f["geometry"]["type"] for f in stored}


def test_the_run_csv_is_read_by_gdal_and_pandas(client, incidents, tmp_path):
    made = run(client, method="local_moran", aggregation="hexagon")
    r = client.get(f"/api/v1/analyses/{made['id']}/export.csv")
    text = r.get_data(as_text=True)
    table = pd.read_csv(io.StringIO(text))
    assert table.columns[0] == "run_id" and {"wkt_epsg4326", "lon_epsg4326", "lat_epsg4326", "p_fdr"} <= set(table)
    assert len(table) == made["summary"]["cells"] and (table["method"] == "local_moran").all()
    path = saved(r, tmp_path, "cells.csv")
    info = ogrinfo("-al", "-so", f"CSV:{path}", "-oo", "GEOM_POSSIBLE_NAMES=wkt_epsg4326",
                   "-oo", "KEEP_GEOM_COLUMNS=NO")
    assert f"Feature Count: {len(table)}" in info and "Geometry Column = wkt_epsg4326" in info
    assert "wkt_epsg4326:" not in info and "p_fdr:" in info
    read = pyogrio.read_dataframe(path, GEOM_POSSIBLE_NAMES="wkt_epsg4326", KEEP_GEOM_COLUMNS="NO")
    assert len(read) == len(table) and set(read.geom_type) == {"Polygon"} and read.geometry.is_valid.all()
    centres = gpd.points_from_xy(table["lon_epsg4326"], table["lat_epsg4326"])
    assert read.geometry.buffer(1e-6).contains(gpd.GeoSeries(centres)).all()


def test_geojson_downloads_are_attachments_and_the_api_stays_inline(client, session, incidents, tmp_path):
    r = client.get("/api/v1/layers/incident/export.geojson")
    assert r.status_code == 200 and r.mimetype == "application/geo+json"
    assert r.headers["Content-Disposition"].startswith("attachment; filename=\"kuzet-incident-")
    path = saved(r, tmp_path, "incident.geojson")
    assert f"Feature Count: {len(incidents)}" in ogrinfo("-so", "-al", str(path))
    assert "Content-Disposition" not in client.get("/api/v1/layers/incident").headers
    made = run(client)
    cells = client.get(f"/api/v1/analyses/{made['id']}/export.geojson")
    assert f"kuzet-analysis-{made['id']}.geojson" in cells.headers["Content-Disposition"]
    assert len(cells.get_json(force=True)["features"]) == made["summary"]["cells"]
    assert "Content-Disposition" not in client.get(f"/api/v1/analyses/{made['id']}/cells").headers


def metadata(response, tmp_path, name: str) -> list[dict]:
    """The package's metadata, then each layer's, as GDAL reads them."""
    path = saved(response, tmp_path, name)
    layers = pyogrio.list_layers(path)[:, 0]
    return [pyogrio.read_info(path, layer=layers[0])["dataset_metadata"],
            *[pyogrio.read_info(path, layer=n)["layer_metadata"] for n in layers]]


def test_every_export_says_the_rules_in_force(client, incidents, tmp_path):
    about = {"regime": "order-641", "rules": RULES}
    assert metadata(client.get("/api/v1/layers/district/export.gpkg"), tmp_path, "d.gpkg") == [about] * 2
    assert metadata(client.get("/api/v1/layers/pasture/export.gpkg"), tmp_path, "p.gpkg") == [about] * 2  # empty
    assert metadata(client.get("/api/v1/incidents/export.gpkg?category=theft"), tmp_path, "s.gpkg") == [about] * 2
    assert f"rules={RULES}" in ogrinfo("-so", str(tmp_path / "s.gpkg"), "incident")
    made = run(client)
    assert metadata(client.get(f"/api/v1/analyses/{made['id']}/export.gpkg"), tmp_path, "r.gpkg") == [about] * 3
    layer = json.loads(client.get("/api/v1/layers/district/export.geojson").get_data(as_text=True))
    assert (layer["regime"], layer["rules"], layer["numberReturned"]) == ("order-641", RULES, 2)
    cells = client.get(f"/api/v1/analyses/{made['id']}/export.geojson").get_json(force=True)
    assert (cells["regime"], cells["rules"]) == ("order-641", RULES)
    table = pd.read_csv(io.StringIO(client.get(f"/api/v1/analyses/{made['id']}/export.csv").get_data(as_text=True)))
    assert table.columns[-1] == "rules" and set(table["rules"]) == {RULES} and len(table) == made["summary"]["cells"]


def test_an_export_says_the_rules_in_the_readers_language(connection, session, incidents, tmp_path):
    from tests.conftest import add_user, make_app, sign_in
    from tests.support.catalogues import directories, write_catalogue

    write_catalogue(tmp_path, "kk", {"Rules: %(regime)s": "Қағидалар (test): %(regime)s"})
    app = make_app(connection, LOCALE="kk", BABEL_TRANSLATION_DIRECTORIES=directories(tmp_path))
    add_user(session, "kk.admin", ["admin"])
    session.commit()
    reader = sign_in(app.test_client(), "kk.admin")
    layer = json.loads(reader.get("/api/v1/layers/district/export.geojson").get_data(as_text=True))
    assert layer["rules"].startswith("Қағидалар (test): ") and layer["rules"] != RULES


@pytest.mark.parametrize(("path", "reason"), [
    ("/api/v1/layers/nowhere/export.gpkg", "no layer 'nowhere'"),
    ("/api/v1/layers/nowhere/export.geojson", "no layer 'nowhere'"),
    ("/api/v1/analyses/424242/export.gpkg", "no analysis run 424242"),
    ("/api/v1/analyses/424242/export.geojson", "no analysis run 424242"),
])
def test_an_unknown_layer_or_run_is_404_with_the_reason(client, path, reason):
    r = client.get(path)
    assert r.status_code == 404 and r.is_json and reason in r.get_json()["error"]


def links(html: str) -> list[str]:
    return re.findall(r'href="([^"]+)"', html)


def test_the_run_page_links_its_downloads_and_each_opens(client, incidents, tmp_path):
    made = run(client)
    html = client.get(f"/analysis?run={made['id']}").get_data(as_text=True)
    wanted = {f"/api/v1/analyses/{made['id']}/export.{kind}" for kind in ("gpkg", "geojson", "csv")}
    assert wanted <= set(links(html))
    for url in sorted(wanted):
        r = client.get(url)
        assert r.status_code == 200 and r.headers["Content-Disposition"].startswith("attachment"), url


def test_the_downloads_page_links_every_readable_layer(client, incidents, tmp_path):
    html = client.get("/downloads").get_data(as_text=True)
    assert "/api/v1/incidents/export.gpkg" in html and 'name="category"' in html  # the selection form
    hrefs = [h for h in links(html) if h.startswith("/api/v1/layers/")]
    assert {f"/api/v1/layers/{name}/export.{kind}" for name in LAYERS for kind in ("gpkg", "geojson")} == set(hrefs)
    r = client.get("/api/v1/incidents/export.gpkg?category=theft&district=&bbox=&start=2026-02-01&end=2026-02-28")
    assert r.status_code == 200, r.get_data(as_text=True)
    read = pyogrio.read_dataframe(saved(r, tmp_path, "form.gpkg"))
    assert len(read) == (incidents["category"] == "theft").sum()



@pytest.mark.parametrize("selection", [
    {"categories": ["burglary"]},
    {"start": "2026-02-03", "end": "2026-02-20", "weekdays": [0, 2, 4], "hour_band": [20, 23], "area": "West"},
])
def test_the_run_pages_selection_link_downloads_the_runs_incidents(client, session, incidents, tmp_path, selection):
    if selection.get("area"):
        districts = services.layer_features(session, "district", limit=10, viewer=SYSTEM).frame.set_index("name")
        selection = selection | {"area": {"kind": "district", "id": int(districts.loc[selection["area"], "id"])}}
    made = run(client, **selection)
    html = client.get(f"/analysis?run={made['id']}").get_data(as_text=True)
    [href] = [h for h in links(html) if h.startswith("/api/v1/incidents/export.gpkg")]
    r = client.get(href.replace("&amp;", "&"))
    assert r.status_code == 200, r.get_data(as_text=True)
    read = pyogrio.read_dataframe(saved(r, tmp_path, "run-incidents.gpkg"))
    assert len(read) == made["summary"]["incidents"] > 0
