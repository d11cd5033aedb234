"""Emerging hot spot runs through /api/v1/analyses: stored with their cube, a cell's series, exports, errors."""
from __future__ import annotations

import csv
import io
import subprocess

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import pytest
from shapely.geometry import Point

from geo import services
from geo.access import SYSTEM
from tests.web.test_analysis_tiles import decoded, tile_of

GROWING = (76.93, 43.25)  # a corner whose thefts grow week after week
WEEKS = 12
FIRST_MONDAY = pd.Timestamp("2026-01-05")


@pytest.fixture(scope="module")
def incidents(module_session):
    """400 thefts spread over 12 weeks and a 10 x 1.5 km box, and around one corner 2, 4, ... 24 more
    per week (seeded), stored once for the module; times are local (Asia/Almaty)."""
    rng = np.random.default_rng(28)
    spread = np.column_stack([rng.uniform(76.88, 76.98, 400), rng.uniform(43.23, 43.27, 400)])
    spread_days = rng.integers(0, 7 * WEEKS, 400)
    packed_weeks = np.repeat(np.arange(WEEKS), 2 * (np.arange(WEEKS) + 1))
    packed = np.column_stack([rng.normal(GROWING[0], 0.0012, len(packed_weeks)),
                              rng.normal(GROWING[1], 0.0009, len(packed_weeks))])
    packed_days = packed_weeks * 7 + rng.integers(0, 7, len(packed_weeks))
    days = np.concatenate([spread_days, packed_days])
    times = [(FIRST_MONDAY + pd.Timedelta(days=int(d), hours=14)).strftime("%Y-%m-%d %H:%M") for d in days]
    frame = gpd.GeoDataFrame({"occurred_at": times, "category": ["theft"] * len(days),
                              "source": ["police-record"] * len(days)},
                             geometry=[Point(xy) for xy in np.vstack([spread, packed])], crs=4326)
    services.import_frame(module_session, "incident", frame, name="emerging test incidents", actor=SYSTEM)
    module_session.commit()
    return frame


def run(client, **body) -> dict:
    r = client.post("/api/v1/analyses", json={"method": "emerging", "cell_size_m": 400, **body})
    assert r.status_code == 201, r.get_data(as_text=True)
    return r.get_json()


def stored_runs(client) -> int:
    return client.get("/api/v1/analyses").get_json()["total"]


def test_a_weekly_run_is_stored_with_its_cube_and_patterns(client, incidents):
    made = run(client)
    s = made["summary"]
    assert made["method"] == "emerging"
    assert made["parameters"]["time_step"] == "week" and made["parameters"]["time_window"] == 1
    assert s["steps"] == [(FIRST_MONDAY + pd.Timedelta(weeks=w)).date().isoformat() for w in range(WEEKS)]
    assert sum(s["classes"].values()) == s["cells"]
    assert s["fdr"]["tested"] == s["cells"] * WEEKS
    top = s["top"][0]
    assert top["pattern"].endswith("_hot")
    assert abs(top["lon"] - GROWING[0]) < 0.006 and abs(top["lat"] - GROWING[1]) < 0.006


def test_a_cells_series_adds_up_to_its_count_and_the_cube_to_the_selection(client, incidents):
    made = run(client)
    top = made["summary"]["top"][0]
    r = client.get(f"/api/v1/analyses/{made['id']}/cells/{top['cell_id']}/series")
    assert r.status_code == 200 and r.is_json
    series = r.get_json()
    assert [step["start"] for step in series["steps"]] == made["summary"]["steps"]
    assert sum(step["count"] for step in series["steps"]) == series["count"] == top["count"]
    assert series["pattern"] == top["pattern"] and series["count_trend"]["z"] > 0
    geojson = client.get(f"/api/v1/analyses/{made['id']}/cells").get_json(force=True)
    counts = np.array([f["properties"]["counts"] for f in geojson["features"]])
    assert counts.shape == (made["summary"]["cells"], WEEKS)
    assert counts.sum() == len(incidents) - made["summary"]["outside"]
    per_week = pd.Series(pd.to_datetime(incidents["occurred_at"])).sub(FIRST_MONDAY).dt.days // 7
    assert counts.sum(axis=0).tolist() == per_week.value_counts().sort_index().tolist()


def test_a_monthly_run_with_hexagons_and_no_time_neighbours(client, incidents):
    made = run(client, time_step="month", time_window=0, aggregation="hexagon")
    assert made["summary"]["steps"] == ["2026-01-01", "2026-02-01", "2026-03-01"]
    assert made["parameters"]["aggregation"] == "hexagon" and made["parameters"]["time_window"] == 0


@pytest.mark.parametrize("body, says", [
    ({"time_step": "year"}, "unknown time_step 'year'"),
    ({"time_window": 13}, "time_window must be a whole number from 0 to 12"),
    ({"permutations": 99}, "analytic p-values"),
    ({"aggregation": "district"}, "square or hexagon"),
    ({"weights": "row"}, "binary space-time weights"),
    ({"start": "2026-01-05", "end": "2026-01-06", "time_step": "day"}, "at least 3 time steps"),
    ({"method": "gi_star", "time_step": "week"}, "belong to emerging hot spots"),
])
def test_a_run_that_cannot_be_is_400_with_the_reason_and_stores_nothing(client, incidents, body, says):
    before = stored_runs(client)
    r = client.post("/api/v1/analyses", json={"method": "emerging", "cell_size_m": 400, **body})
    assert r.status_code == 400 and r.is_json
    assert says in r.get_json()["error"]
    assert stored_runs(client) == before


def test_a_series_of_another_method_or_an_unknown_cell_is_404(client, incidents):
    gi = client.post("/api/v1/analyses", json={"method": "gi_star", "cell_size_m": 400}).get_json()
    r = client.get(f"/api/v1/analyses/{gi['id']}/cells/0/series")
    assert r.status_code == 404 and "no emerging hot spot cell" in r.get_json()["error"]
    made = run(client)
    assert client.get(f"/api/v1/analyses/{made['id']}/cells/999999/series").status_code == 404


def test_exports_carry_the_pattern_trends_and_every_step(client, incidents, tmp_path):
    made = run(client)
    steps = made["summary"]["steps"]
    table = list(csv.DictReader(io.StringIO(client.get(f"/api/v1/analyses/{made['id']}/export.csv")
                                            .get_data(as_text=True))))
    assert len(table) == made["summary"]["cells"]
    assert {"pattern", "z_trend_z", "z_trend_p", f"count_{steps[0]}", f"z_{steps[-1]}"} <= set(table[0])
    assert sum(float(row[f"count_{s}"]) for row in table for s in steps) == sum(float(row["count"]) for row in table)
    r = client.get(f"/api/v1/analyses/{made['id']}/export.gpkg")
    assert r.status_code == 200 and "-emerging.gpkg" in r.headers["Content-Disposition"]
    path = tmp_path / "emerging.gpkg"
    path.write_bytes(r.get_data())
    cells = pyogrio.read_dataframe(path, layer="emerging_cells")
    assert len(cells) == made["summary"]["cells"]
    assert cells["pattern"].value_counts().to_dict() == {k: v for k, v in made["summary"]["classes"].items() if v}
    listed = subprocess.run(["ogrinfo", "-ro", "-so", str(path), "emerging_cells"], capture_output=True, text=True,
                            timeout=60)
    assert listed.returncode == 0 and f"count_{steps[0]}" in listed.stdout
    geojson = client.get(f"/api/v1/analyses/{made['id']}/export.geojson")
    feature = geojson.get_json(force=True)["features"][0]["properties"]
    assert len(feature["counts"]) == len(feature["z_series"]) == len(steps) and feature["pattern"]


def test_the_map_tiles_of_a_run_draw_the_cells_with_a_pattern_and_name_it(client, incidents):
    made = run(client)
    z = 12
    x, y = tile_of(*GROWING, z)
    features = decoded(client.get(f"/tiles/analysis/{made['id']}/{z}/{x}/{y}.mvt"))
    patterns = {f["properties"]["cell_id"]: f["properties"]["pattern"] for f in features}
    assert patterns and "none" not in patterns.values()
    assert patterns[made["summary"]["top"][0]["cell_id"]] == made["summary"]["top"][0]["pattern"]
