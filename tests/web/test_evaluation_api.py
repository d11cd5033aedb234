"""The evaluation's API (JSON, CSV, GeoJSON) and page over the integration tests' planted world."""
from __future__ import annotations

import csv
import io

import pytest

from tests.conftest import add_user, make_app, sign_in
from tests.integration.test_evaluation_counts import world  # noqa: F401  (the module's world of zones and incidents)


@pytest.fixture
def analyst(app, session, world):  # noqa: F811
    add_user(session, "eval-analyst", ["analyst"])
    session.commit()
    return sign_in(app.test_client(), "eval-analyst")


def test_the_json_gives_each_patrolled_place_with_its_interval(analyst, world):  # noqa: F811
    r = analyst.get("/api/v1/evaluations?kind=patrol_zone&controls=3")
    assert r.status_code == 200 and r.mimetype == "application/json"
    body = r.get_json()
    assert body["weeks"] == 8 and body["controls"] == 3 and body["ring_m"] == 250
    zone = next(e for e in body["evaluations"] if e["id"] == world["zones"][0])
    assert zone["verdict"] == "fewer" and zone["effect"]["low"] < zone["effect"]["ratio"] < zone["effect"]["high"] < 1
    assert zone["verdict_text"] == "fewer incidents than the controls predict"
    assert len(zone["controls"]) == 3 and zone["before"] > zone["after"]


def test_the_csv_and_geojson_carry_the_same_rows(analyst, world):  # noqa: F811
    r = analyst.get("/api/v1/evaluations.csv")
    assert r.status_code == 200 and r.mimetype == "text/csv" and "attachment" in r.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(r.get_data(as_text=True))))
    assert {(row["kind"], int(row["id"])) for row in rows} == {("patrol_zone", world["zones"][0]),
                                                              ("public_place", world["stations"][0])}
    zone = next(row for row in rows if row["kind"] == "patrol_zone")
    assert float(zone["ratio_low_95"]) < float(zone["rate_ratio"]) < float(zone["ratio_high_95"])
    assert zone["rules"].startswith("Rules:") and zone["note"]
    g = analyst.get("/api/v1/evaluations.geojson")
    assert g.status_code == 200 and g.mimetype == "application/geo+json"
    collection = g.get_json()
    assert collection["regime"] and len(collection["features"]) == 2
    assert {f["geometry"]["type"] for f in collection["features"]} == {"Polygon", "Point"}


@pytest.mark.parametrize("query", ["weeks=0", "weeks=abc", "controls=99", "ring_m=wide", "ring_m=nan",
                                   "kind=pasture", "began_from=2026-13-01", "began_from=2026-02-01&began_to=2026-01-01"])
def test_a_bad_value_is_a_400_naming_it_and_never_a_500(analyst, query):
    r = analyst.get(f"/api/v1/evaluations?{query}")
    assert r.status_code == 400 and r.get_json()["message"]
    page = analyst.get(f"/analysis/evaluation?{query}")
    assert page.status_code == 400 and "Traceback" not in page.get_data(as_text=True)


def test_roles_other_than_analysts_are_refused(app, session):
    add_user(session, "eval-dispatcher", ["dispatcher"])
    session.commit()
    client = sign_in(app.test_client(), "eval-dispatcher")
    assert client.get("/api/v1/evaluations").status_code == 403
    assert client.get("/analysis/evaluation").status_code == 403


def test_the_page_shows_each_place_its_interval_and_the_method(analyst, world):  # noqa: F811
    r = analyst.get("/analysis/evaluation")
    html = r.get_data(as_text=True)
    assert r.status_code == 200 and r.mimetype == "text/html"
    assert f'data-id="{world["zones"][0]}" data-verdict="fewer"' in html and "Eval zone 0" in html
    assert "How it is computed" in html and "Bowers and Johnson, 2003" in html and "Limits" in html
    assert "/api/v1/evaluations.csv" in html and "/static/evaluation.js" in html


def test_the_page_says_when_counts_are_too_small(connection, session, world):  # noqa: F811
    app = make_app(connection, EVALUATION_MIN_COUNT=100_000)
    add_user(session, "eval-analyst-2", ["analyst"])
    session.commit()
    html = sign_in(app.test_client(), "eval-analyst-2").get("/analysis/evaluation").get_data(as_text=True)
    assert html.count('data-verdict="too-small"') == 2 and "too few incidents to say" in html
