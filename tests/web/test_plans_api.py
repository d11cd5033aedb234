"""/api/v1/plans and the planner's page: proposals as JSON with GeoJSON targets, accepting, who may."""
from __future__ import annotations

import pytest
from shapely.geometry import Point
from sqlalchemy import func, select

from geo.db.models import Assignment, Incident

from tests.conftest import add_user, sign_in
from tests.support.dispatch_world import at, build, wkb
from tests.web.test_openapi import document

SHIFT = {"starts_at": "2026-12-05T18:00", "ends_at": "2026-12-05T22:00"}


@pytest.fixture(scope="module")
def world(module_session):
    """The dispatch world and one incident in its zone, built once for the module."""
    built = build(module_session)
    module_session.add(Incident(occurred_at=at("2026-11-28 19:00"), category="theft", source="synthetic-demo",
                                geom=wkb(Point(76.925, 43.245))))
    module_session.commit()
    return built


@pytest.fixture
def validate(client):
    jsonschema = pytest.importorskip("jsonschema")
    doc = document(client)

    def check(instance, name: str) -> None:
        jsonschema.Draft202012Validator({"$ref": f"#/components/schemas/{name}",
                                         "components": doc["components"]}).validate(instance)
    return check


def test_a_proposal_is_json_with_items_shortfalls_and_geojson_targets(client, world, validate):
    r = client.post("/api/v1/plans", json=SHIFT | {"kind": ["patrol_zone", "public_place"], "time_limit_s": 5})
    assert r.status_code == 200 and r.is_json
    data = r.get_json()
    validate(data, "Proposal")
    assert data["status"] == "optimal" and data["shift"]["starts_at"] == "2026-12-05T18:00:00+05:00"
    [item] = data["items"]  # Samal and its one eligible member go to the Derby, events first
    assert (item["formation"], item["target_kind"], item["officer"], item["members"]) == (
        "Samal", "event", "Capt. Abenov", 1)
    [short] = data["shortfalls"]
    assert (short["need"], short["staffed"], short["shortfall"]) == (20, 1, 19)
    assert [u["name"] for u in data["uncovered"]] == ["Green market"]
    features = data["targets"]["features"]
    states = {(f["properties"]["target_kind"], f["properties"]["name"]): f["properties"]["state"] for f in features}
    assert states[("event", "Derby")] == "short" and states[("public_place", "Abay avenue")] == "no_demand"
    assert {f["geometry"]["type"] for f in features} >= {"Polygon", "LineString"}


def test_accepting_answers_per_item_and_stores_the_lawful_ones(client, session, world, validate):
    proposal = client.post("/api/v1/plans", json=SHIFT).get_json()
    keys = ("formation_id", "target_kind", "target_id", "activity", "starts_at", "ends_at", "officer_id", "member_ids")
    items = [{k: i[k] for k in keys} for i in proposal["items"]]
    unlawful = items[0] | {"formation_id": world.unnotified, "member_ids": None}
    validate({"items": items + [unlawful]}, "PlanAcceptRequest")
    r = client.post("/api/v1/plans/accept", json={"items": items + [unlawful]})
    assert r.status_code == 200
    data = r.get_json()
    validate(data, "PlanAcceptResults")
    assert (data["stored"], data["refused"]) == (1, 1)
    assert data["results"][0]["stored"] and isinstance(data["results"][0]["assignment_id"], int)
    assert "formation-notified" in [v["code"] for v in data["results"][1]["violations"]]
    assert session.scalar(select(func.count()).select_from(Assignment)) == 1


@pytest.mark.parametrize("body, field", [({"starts_at": "2026-12-05T18:00"}, "ends_at"),
                                         (SHIFT | {"kind": "pasture"}, "kind"),
                                         (SHIFT | {"lookback_days": "many"}, "lookback_days"),
                                         (SHIFT | {"time_limit_s": 0}, "time_limit_s"),
                                         (SHIFT | {"colour": "red"}, "colour")])
def test_a_bad_request_is_400_naming_the_field(client, world, body, field):
    r = client.post("/api/v1/plans", json=body)
    assert r.status_code == 400 and field in r.get_json()["error"]


@pytest.mark.parametrize("items", [None, [], ["x"], [{"formation_id": 1}]])
def test_bad_items_are_400(client, world, items):
    assert client.post("/api/v1/plans/accept", json={"items": items}).status_code == 400


@pytest.mark.parametrize("role", ["leader", "analyst", "supervisor"])
def test_only_dispatchers_and_admins_plan(app, session, world, role):
    add_user(session, f"a-{role}", [role], **({"formation_id": world.formation} if role == "leader" else
                                              {"officer_id": world.officer} if role == "supervisor" else {}))
    session.commit()
    who = sign_in(app.test_client(), f"a-{role}")
    assert who.post("/api/v1/plans", json=SHIFT).status_code == 403
    item = {"formation_id": world.formation, "target_kind": "patrol_zone", "target_id": world.zone,
            "activity": "8.1"} | SHIFT
    assert who.post("/api/v1/plans/accept", json={"items": [item]}).status_code == 403
    assert who.get("/dispatch/plan").status_code == 403
    assert session.scalar(select(func.count()).select_from(Assignment)) == 0


def test_a_dispatcher_plans(app, session, world):
    add_user(session, "disp", ["dispatcher"])
    session.commit()
    who = sign_in(app.test_client(), "disp")
    assert who.post("/api/v1/plans", json=SHIFT).status_code == 200
    page = who.get("/dispatch/plan?date=2026-12-05&start=18:00&end=22:00")
    assert page.status_code == 200 and b"plan.js" in page.data
    assert b'href="/dispatch/plan"' in who.get("/dispatch").data  # the nav link


def test_the_page_sets_up_its_script_and_refuses_bad_times(client, world):
    page = client.get("/dispatch/plan?date=2026-12-05&start=18:00&end=22:00")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and 'id="plan-setup"' in html and "csrf-token" in html
    assert 'value="2026-12-05"' in html and 'value="18:00"' in html
    assert "cdn" not in html.lower()
    assert client.get("/dispatch/plan?date=soon").status_code == 400
    assert client.get("/dispatch/plan?date=2026-12-05&start=6pm").status_code == 400
