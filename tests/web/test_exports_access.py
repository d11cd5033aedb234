"""Exports obey geo/access.py as the layer API does: a leader's files hold only their rows."""
from __future__ import annotations

import pyogrio
import pytest

from tests.conftest import sign_in
from tests.support.access_world import aw  # noqa: F401  (fixture)


@pytest.fixture
def as_(app, aw):
    return lambda who: sign_in(app.test_client(), aw.logins[who])


def package(response, tmp_path, layer: str):
    assert response.status_code == 200, response.data[:300]
    path = tmp_path / f"{layer}.gpkg"
    path.write_bytes(response.get_data())
    return pyogrio.read_dataframe(path, layer=layer)


def test_a_leaders_export_holds_only_their_formation_and_its_targets(as_, aw, tmp_path):
    leader = as_("leader")
    formations = package(leader.get("/api/v1/layers/formation/export.gpkg"), tmp_path, "formation")
    assert formations["id"].tolist() == [aw.world.formation]
    zones = package(leader.get("/api/v1/layers/patrol_zone/export.gpkg"), tmp_path, "patrol_zone")
    assert zones["id"].tolist() == [aw.world.zone]
    download = leader.get("/api/v1/layers/formation/export.geojson").get_json(force=True)
    assert [f["id"] for f in download["features"]] == [aw.world.formation]


def test_the_police_staff_export_every_row(as_, aw, tmp_path):
    formations = package(as_("dispatcher").get("/api/v1/layers/formation/export.gpkg"), tmp_path, "formation")
    assert {aw.world.formation, aw.world.unnotified} <= set(formations["id"])


@pytest.mark.parametrize("url", ["/api/v1/layers/incident/export.gpkg", "/api/v1/layers/incident/export.geojson",
                                 "/api/v1/incidents/export.gpkg", "/api/v1/analyses/1/export.gpkg"])
def test_a_leader_exports_no_incidents_nor_runs(as_, url):
    r = as_("leader").get(url)
    assert r.status_code == 403 and r.is_json and r.get_json()["error"]


def test_a_leader_finds_their_layers_and_no_incident_selection_on_the_downloads_page(as_):
    html = as_("leader").get("/downloads").get_data(as_text=True)
    assert "/api/v1/layers/formation/export.gpkg" in html and "/api/v1/layers/incident/" not in html
    assert "/api/v1/incidents/export.gpkg" not in html
    assert "/api/v1/incidents/export.gpkg" in as_("analyst").get("/downloads").get_data(as_text=True)
