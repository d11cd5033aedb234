"""/api/v1/analyses/knox and its CSV: a planted near-repeat pattern stored, found, exported; bad input refused."""
from __future__ import annotations

import csv
import io

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point

from geo import services
from geo.access import SYSTEM
from tests.conftest import add_user, sign_in

ALMATY = (76.93, 43.25)
M_PER_DEG_LAT, M_PER_DEG_LON = 111_000.0, 81_000.0  # near 43° N


@pytest.fixture(scope="module")
def burglaries(module_session):
    """600 burglaries over ~4 km and 2025, and 40 of them followed by 3 near repeats within 60 m and 5 days."""
    rng = np.random.default_rng(18)
    xy = rng.uniform(-2000, 2000, (600, 2))
    days = rng.integers(0, 365, 600)
    seeds = rng.choice(600, 40, replace=False)
    xy = np.vstack([xy, np.repeat(xy[seeds], 3, axis=0) + rng.uniform(-40, 40, (120, 2))])
    days = np.concatenate([days, np.repeat(days[seeds], 3) + rng.integers(0, 6, 120)])
    when = np.datetime64("2025-01-01T10:00") + days.astype("timedelta64[D]")
    frame = gpd.GeoDataFrame(
        {"occurred_at": [str(t) for t in when], "category": ["burglary"] * len(days), "source": ["police-record"] * len(days)},
        geometry=[Point(ALMATY[0] + x / M_PER_DEG_LON, ALMATY[1] + y / M_PER_DEG_LAT) for x, y in xy], crs=4326)
    services.import_frame(module_session, "incident", frame, name="burglaries", actor=SYSTEM)
    module_session.commit()
    return frame


def test_a_knox_run_is_stored_finds_the_planted_near_repeats_and_exports_its_table(client, burglaries):
    r = client.post("/api/v1/analyses/knox", json={"categories": ["burglary"], "band_m": 100, "bands": 4,
                                                   "band_days": 7, "time_bands": 4, "seed": 3})
    assert r.status_code == 201 and r.is_json, r.data[:400]
    run = r.get_json()
    assert run["method"] == "knox" and run["summary"]["incidents"] == len(burglaries)
    assert run["parameters"] == {"band_m": 100, "bands": 4, "band_days": 7, "time_bands": 4, "metric": "euclidean",
                                 "permutations": 99, "seed": 3}
    table = run["summary"]["knox"]
    assert len(table["observed"]) == 6 and len(table["observed"][0]) == 5
    assert sum(map(sum, table["observed"])) == len(burglaries) * (len(burglaries) - 1) // 2
    assert table["p"][1][0] <= 0.01 and table["ratio"][1][0] > 3
    # repeats lie within 40 m of their origin on each axis: pairs of them up to 113 m apart
    assert run["plain"][0] in ("within 100 m: over-represented for up to 7 days",
                               "within 200 m: over-represented for up to 7 days")
    assert client.get(r.headers["Location"]).get_json()["method"] == "knox"
    exported = client.get(f"/api/v1/analyses/{run['id']}/knox.csv")
    assert exported.status_code == 200 and exported.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    assert len(rows) == 6 * 5 and rows[0]["rules"]
    near = next(row for row in rows if row["distance_from_m"] == "1" and row["days_from"] == "0")
    assert near["distance_to_m"] == "100" and near["days_to"] == "7" and near["significance"] == "over"
    assert int(near["observed"]) == table["observed"][1][0]
    beyond = [row for row in rows if row["distance_to_m"] == ""]
    assert len(beyond) == 5 and beyond[0]["distance_from_m"] == "401"
    page = client.get(f"/analysis/knox/{run['id']}")
    assert page.status_code == 200 and b"table class=\"knox\"" in page.data and b"knox-over" in page.data
    assert client.get(f"/analysis?run={run['id']}").status_code == 302


def test_the_same_seed_gives_the_same_table(client, burglaries):
    body = {"categories": ["burglary"], "bands": 2, "time_bands": 2, "permutations": 29, "seed": 11}
    a, b = (client.post("/api/v1/analyses/knox", json=body).get_json() for _ in range(2))
    assert a["id"] != b["id"] and a["summary"]["knox"] == b["summary"]["knox"]


@pytest.mark.parametrize("body, says", [
    ({"band_m": 0}, "band_m must be a whole number from 1 to 5000"),
    ({"bands": 21}, "bands must be a whole number from 1 to 20"),
    ({"metric": "chebyshev"}, "unknown metric 'chebyshev'"),
    ({"permutations": 0}, "permutations must be a whole number from 1 to 9999"),
    ({"seed": True}, "seed must be a whole number"),
    ({"method": "knox"}, "unknown field(s): method"),
    ({"categories": ["no such category"]}, "no incidents match the selection"),
])
def test_bad_input_is_refused_with_its_reason_and_stores_nothing(client, burglaries, body, says):
    before = client.get("/api/v1/analyses").get_json()["total"]
    r = client.post("/api/v1/analyses/knox", json=body)
    assert r.status_code == 400 and says in r.get_json()["error"]
    assert client.get("/api/v1/analyses").get_json()["total"] == before


def test_only_analysts_run_it_and_a_hot_spot_run_has_no_knox_table(app, session, client, burglaries):
    add_user(session, "dispatcher", ["dispatcher"])
    session.commit()
    dispatcher = sign_in(app.test_client(), "dispatcher")
    assert dispatcher.post("/api/v1/analyses/knox", json={}).status_code == 403
    gi = client.post("/api/v1/analyses", json={"method": "gi_star", "cell_size_m": 500}).get_json()
    r = client.get(f"/api/v1/analyses/{gi['id']}/knox.csv")
    assert r.status_code == 400 and "not a near repeat" in r.get_json()["error"]
    assert client.get("/api/v1/analyses/999999/knox.csv").status_code == 404


def test_the_use_case_refuses_one_incident_and_too_many_before_storing(session, burglaries):
    from geo.errors import InvalidInput
    from geo.services.hotspots import Selection
    from geo.services.knox import KnoxParameters, near_repeats

    first = str(burglaries["occurred_at"].min())[:10]
    one_day = Selection.from_json({"categories": ["burglary"], "start": "2024-06-01", "end": "2024-06-01"})
    with pytest.raises(InvalidInput, match="no incidents match"):
        near_repeats(session, one_day, KnoxParameters(seed=1), actor=SYSTEM)
    with pytest.raises(InvalidInput, match="takes at most 100"):
        near_repeats(session, Selection.from_json({"categories": ["burglary"]}), KnoxParameters(seed=1),
                     actor=SYSTEM, max_incidents=100)
    some = near_repeats(session, Selection.from_json({"categories": ["burglary"], "start": first, "end": "2025-01-31",
                                                      "weekdays": [0, 1, 2]}),
                        KnoxParameters(seed=1, metric="manhattan", permutations=9), actor=SYSTEM)
    assert 0 < some.summary["incidents"] < len(burglaries) and some.table.metric == "manhattan"
    assert some.summary["crs"] == 32643


@pytest.mark.parametrize("language, says", [
    ("ru", ["То же место", "от 0 до 7 дней", "от 8 до 14 дней", "более 400 м", "Скачать таблицу (CSV)"]),
    ("kk", ["Сол орын", "0 – 7 күн", "400 м-ден көп", "Кестені жүктеп алу (CSV)"]),
])
def test_the_table_page_speaks_russian_and_kazakh(client, burglaries, language, says):
    run = client.post("/api/v1/analyses/knox", json={"categories": ["burglary"], "bands": 4, "permutations": 9,
                                                     "seed": 1}).get_json()
    page = client.get(f"/analysis/knox/{run['id']}", headers={"Accept-Language": language})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and all(s in text for s in says), [s for s in says if s not in text]
