"""Every route obeys geo/access.py: 404 for what a user may not see, 403 for what their role never does."""
from __future__ import annotations

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon, box, mapping
from sqlalchemy import select

from geo.db.models import AssignmentHistory, AuditLog, Formation, PatrolZone

from tests.conftest import add_user, sign_in
from tests.support.access_world import ESCAPED, SHIFT, XSS, aw, store_directly  # noqa: F401  (fixture)
from tests.web.test_map_page import geojson_layers

GEOJSON = "application/geo+json"


@pytest.fixture
def as_(app, aw):
    """A client signed in as one of the access world's accounts: ``as_("leader")``."""
    return lambda who: sign_in(app.test_client(), aw.logins[who])


def feature_ids(response) -> set[int]:
    assert response.status_code == 200 and response.content_type == GEOJSON, response.data[:300]
    return {f["id"] for f in response.get_json(force=True)["features"]}


def test_a_leader_gets_404_for_another_formations_assignment_through_every_route(as_, aw):
    leader = as_("leader")
    assert leader.get(f"/api/v1/assignments/{aw.own}").status_code == 200
    hidden, missing = leader.get(f"/api/v1/assignments/{aw.other}"), leader.get("/api/v1/assignments/999999")
    assert hidden.status_code == missing.status_code == 404 and hidden.is_json
    assert feature_ids(leader.get("/api/v1/assignments?status=all")) == {aw.own}  # the GeoJSON export
    assert "Aksai" not in leader.get("/").get_data(as_text=True)  # the overview map page


def test_a_leader_gets_404_for_a_zone_that_is_another_formations_target(as_, aw):
    leader = as_("leader")
    assert leader.get(f"/api/v1/layers/patrol_zone/{aw.world.zone}").status_code == 200
    assert leader.get(f"/api/v1/layers/patrol_zone/{aw.world.far_zone}").status_code == 404
    assert leader.get("/api/v1/layers/patrol_zone/999999").status_code == 404
    assert feature_ids(leader.get("/api/v1/layers/patrol_zone")) == {aw.world.zone}
    assert feature_ids(leader.get("/api/v1/layers/patrol_zone?bbox=76.8,43.2,77.1,43.3")) == {aw.world.zone}
    assert "Far zone" not in leader.get("/").get_data(as_text=True)


def test_a_leader_gets_404_for_another_formation(as_, aw):
    leader = as_("leader")
    assert leader.get(f"/api/v1/layers/formation/{aw.world.formation}").status_code == 200
    assert leader.get(f"/api/v1/layers/formation/{aw.world.unnotified}").status_code == 404
    assert feature_ids(leader.get("/api/v1/layers/formation")) == {aw.world.formation}
    assert leader.get(f"/api/v1/formations/{aw.world.formation}/members?date=2026-12-05").status_code == 200
    assert leader.get(f"/api/v1/formations/{aw.world.unnotified}/members?date=2026-12-05").status_code == 404


def test_a_leader_cannot_plan_sign_off_run_analyses_or_see_incidents(as_, aw):
    leader = as_("leader")
    for url in ("/dispatch", "/supervise", "/analysis"):
        assert leader.get(url).status_code == 403, url
    for url in ("/api/v1/layers/incident", "/api/v1/layers/incident/1", "/api/v1/incidents/series",
                "/api/v1/analyses", "/api/v1/analyses/1", "/api/v1/analyses/1/export.csv",
                "/api/v1/dispatch/options?target_kind=patrol_zone&target_id=1&starts_at=2026-12-05T18:00"
                "&ends_at=2026-12-05T22:00"):
        assert leader.get(url).status_code == 403, url
    assert leader.post("/api/v1/analyses", json={"method": "gi_star"}).status_code == 403
    assert leader.post("/api/v1/assignments", json={"formation_id": aw.world.formation}).status_code in (400, 403)
    request = {"formation_id": aw.world.formation, "target_kind": "patrol_zone", "target_id": aw.world.zone,
               "activity": "8.1", "starts_at": "2026-12-06T18:00", "ends_at": "2026-12-06T22:00"}
    assert leader.post("/api/v1/assignments", json=request).status_code == 403
    assert leader.post(f"/api/v1/assignments/{aw.own}/cancel", json={"reason": "x"}).status_code == 403
    assert leader.post(f"/api/v1/assignments/{aw.own}/confirm", json={}).status_code == 403
    assert "incident" not in {layer["name"] for layer in leader.get("/api/v1/layers").get_json()["layers"]}
    page = leader.get("/").get_data(as_text=True)
    assert "Incidents" not in page and 'href="/dispatch"' not in page and 'href="/analysis"' not in page



def test_a_role_that_may_not_run_analyses_or_plan_hears_403_whatever_options_it_sends(as_, aw):
    leader = as_("leader")
    for body in ({"method": "gi_star", "cell_size_m": -5}, {"method": "kde", "start": "not a date"}):
        assert leader.post("/api/v1/analyses", json=body).status_code == 403, body
    assert leader.get("/api/v1/incidents/series?start=not-a-date").status_code == 403
    plan = {"starts_at": "2026-12-06T18:00", "ends_at": "2026-12-06T22:00", "lookback_days": 0}
    assert leader.post("/api/v1/plans", json=plan).status_code == 403

def test_a_supervisor_sees_and_signs_off_only_their_units_proposals(as_, aw, session):
    supervisor = as_("supervisor")
    assert feature_ids(supervisor.get("/api/v1/assignments?status=proposed")) == {aw.own}
    assert supervisor.get(f"/api/v1/assignments/{aw.other}").status_code == 404
    assert supervisor.post(f"/api/v1/assignments/{aw.other}/confirm", json={}).status_code == 404
    assert supervisor.post(f"/api/v1/assignments/{aw.other}/reject", json={"reason": "no"}).status_code == 404
    other = as_("other_supervisor")
    assert other.post(f"/api/v1/assignments/{aw.own}/reject", json={"reason": "no"}).status_code == 404
    assert supervisor.post(f"/api/v1/assignments/{aw.own}/confirm",
                           json={"officer_id": aw.world.other_officer}).status_code == 403  # only as themself
    assert supervisor.post(f"/api/v1/assignments/{aw.own}/confirm", json={}).status_code == 200
    history = session.scalars(select(AssignmentHistory.actor).where(AssignmentHistory.assignment_id == aw.own)
                              .order_by(AssignmentHistory.id)).all()
    assert history == ["system", aw.logins["supervisor"]]
    assert supervisor.post("/api/v1/assignments", json={}).status_code in (400, 403)
    assert supervisor.get("/dispatch").status_code == 403


def test_the_supervise_page_is_the_signed_in_officers_own(as_, aw, client):
    page = as_("supervisor").get("/supervise")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "Capt. Abenov" in html and 'name="officer_id"' not in html and "Maj. Serikov" not in html
    assert f'"officer_id": {aw.world.officer}' in html
    assert as_("supervisor").get(f"/supervise?officer_id={aw.world.other_officer}").status_code == 403
    chosen = client.get(f"/supervise?officer_id={aw.world.other_officer}").get_data(as_text=True)  # an admin
    assert 'name="officer_id"' in chosen and f'"officer_id": {aw.world.other_officer}' in chosen


def test_an_analyst_reads_but_cannot_create_or_change_assignments(as_, aw):
    analyst = as_("analyst")
    assert feature_ids(analyst.get("/api/v1/assignments?status=all")) == {aw.own, aw.other}
    request = {"formation_id": aw.world.formation, "target_kind": "patrol_zone", "target_id": aw.world.zone,
               "activity": "8.1", "starts_at": "2026-12-06T18:00", "ends_at": "2026-12-06T22:00"}
    assert analyst.post("/api/v1/assignments", json=request).status_code == 403
    assert analyst.patch(f"/api/v1/assignments/{aw.own}", json={"activity": "8.1"}).status_code == 403
    assert analyst.post(f"/api/v1/assignments/{aw.own}/cancel", json={"reason": "x"}).status_code == 403
    zone = {"name": "Arbat", "geometry": mapping(box(76.92, 43.23, 76.925, 43.235))}
    assert analyst.post("/api/v1/patrol_zones", json=zone).status_code == 403
    assert analyst.get("/dispatch").status_code == 403
    assert analyst.get("/api/v1/layers/incident").status_code == 200
    assert analyst.get("/analysis").status_code == 200


def test_a_dispatcher_plans_under_their_own_name_and_every_change_is_audited(as_, aw, session):
    dispatcher = as_("dispatcher")
    request = {"formation_id": aw.world.formation, "target_kind": "patrol_zone", "target_id": aw.world.zone,
               "activity": "8.1", "starts_at": "2026-12-05T08:00", "ends_at": "2026-12-05T12:00",
               "officer_id": aw.world.officer}
    created = dispatcher.post("/api/v1/assignments", json=request)
    assert created.status_code == 201
    feature = created.get_json(force=True)
    assert feature["properties"]["created_by"] == aw.logins["dispatcher"]
    assert dispatcher.post(f"/api/v1/assignments/{feature['id']}/cancel", json={"reason": "moved"}).status_code == 200
    zone = {"name": "Arbat", "geometry": mapping(box(76.92, 43.23, 76.925, 43.235))}
    drawn = dispatcher.post("/api/v1/patrol_zones", json=zone)
    assert drawn.status_code == 201
    entries = session.execute(select(AuditLog.entity, AuditLog.entity_id, AuditLog.action, AuditLog.actor)
                              .where(AuditLog.actor == aw.logins["dispatcher"]).order_by(AuditLog.id)).all()
    assert [tuple(e) for e in entries] == [("assignment", feature["id"], "create", "dispatcher"),
                                           ("assignment", feature["id"], "cancelled", "dispatcher"),
                                           ("patrol_zone", drawn.get_json(force=True)["id"], "create", "dispatcher")]
    assert dispatcher.get("/dispatch?date=2026-12-05").status_code == 200
    assert dispatcher.get("/analysis").status_code == 403


@pytest.fixture
def hostile(app, aw, session):
    """A formation and a zone named with an XSS payload, the formation's shift on it, and its leader."""
    formation = Formation(name=XSS, base_type="residence", base_address=XSS,
                          home_area=from_shape(MultiPolygon([box(76.91, 43.23, 76.95, 43.27)]), srid=4326))
    zone = PatrolZone(name=XSS, note=XSS, police_unit_id=aw.world.unit,
                      geom=from_shape(box(76.926, 43.246, 76.928, 43.248), srid=4326))
    session.add_all([formation, zone])
    session.flush()
    store_directly(session, formation=formation.id, zone=zone.id, officer=aw.world.officer)
    add_user(session, "hostile-leader", ["leader"], formation_id=formation.id)
    session.commit()
    return sign_in(app.test_client(), "hostile-leader")


def test_hostile_formation_and_zone_names_reach_the_leaders_map_as_text(hostile):
    page = hostile.get("/").get_data(as_text=True)
    assert XSS not in page
    values = [v for layer in geojson_layers(page) for f in layer["features"]
              for v in f["properties"].values() if isinstance(v, str)]
    assert values.count(ESCAPED) >= 2  # formation name and address (embedded)
    assert not any("<img" in v for v in values)
    # zones come from their vector tiles, raw text that kuzet-tiles.js sets as textContent
    assert "/tiles/patrol_zone/{z}/{x}/{y}.mvt" in page


def test_hostile_names_reach_the_other_pages_escaped_and_the_api_as_geojson(hostile, as_):
    for who, url in (("dispatcher", f"/dispatch?date={SHIFT[0][:10]}"), ("supervisor", "/supervise"),
                     ("analyst", "/analysis")):
        page = as_(who).get(url)
        assert page.status_code == 200 and XSS not in page.get_data(as_text=True), url
    collection = hostile.get("/api/v1/assignments?status=all")
    assert collection.content_type == GEOJSON  # data for scripts that insert it as text, never as HTML
    [feature] = collection.get_json(force=True)["features"]
    assert (feature["properties"]["formation"], feature["properties"]["target_name"]) == (XSS, XSS)
