"""The dispatcher's board in /api/v1: the day's assignments with state and flags, edits run through the
rules (422 stores nothing; a confirmed one goes back to proposed), undo within and after its window,
and the targets under a click."""
from __future__ import annotations

from datetime import date, datetime

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon, box
from sqlalchemy import select

from geo.db import assignments as qa
from geo.db.models import AssignmentHistory, Formation, FormationMember, Participant, PublicPlace

from tests.conftest import make_app, add_user, sign_in
from tests.support.dispatch_world import world  # noqa: F401  (fixture)

DAY = "2026-12-05"


def body(world, **changes) -> dict:
    values = dict(formation_id=world.formation, target_kind="patrol_zone", target_id=world.zone, activity="8.1",
                  starts_at=f"{DAY}T18:00", ends_at=f"{DAY}T22:00", officer_id=world.officer)
    values.update(changes)
    return values


def propose(client, world, **changes) -> dict:
    r = client.post("/api/v1/assignments", json=body(world, **changes))
    assert r.status_code == 201, r.get_json()
    return r.get_json(force=True)


def second_formation(session, world) -> int:
    """Another notified formation in the same home area, with an eligible member of its own."""
    member = Participant(full_name="Dana Nurlanova", birth_date=date(1988, 6, 1), registration_status="registered",
                         certificate_number="C-900", certificate_status="issued", legal_training_on=date(2026, 1, 10))
    formation = Formation(name="Bereke", base_type="residence",
                          home_area=from_shape(MultiPolygon([box(76.91, 43.23, 76.95, 43.27)]), srid=4326),
                          notified_unit_id=world.unit, notified_on=date(2026, 2, 1), notification_ref="UP-7/16")
    session.add_all([member, formation])
    session.flush()
    session.add(FormationMember(formation_id=formation.id, participant_id=member.id, joined_on=date(2026, 1, 1)))
    session.commit()
    return formation.id


def board(client) -> dict:
    r = client.get(f"/api/v1/dispatch/board?date={DAY}")
    assert r.status_code == 200 and r.content_type == "application/geo+json"
    return {f["id"]: f["properties"] for f in r.get_json(force=True)["features"]}


def test_the_board_lists_every_state_of_the_day(client, world):
    first = propose(client, world)
    client.post(f"/api/v1/assignments/{first['id']}/cancel", json={"reason": "rain"})
    second = propose(client, world, starts_at=f"{DAY}T08:30", ends_at=f"{DAY}T12:00")
    rows = board(client)
    assert (rows[first["id"]]["state"], rows[second["id"]]["state"]) == ("cancelled", "proposed")
    assert rows[second["id"]]["flags"] == [] and rows[first["id"]]["flags"] == []
    assert client.get("/api/v1/dispatch/board?date=2026-12-07").get_json(force=True)["features"] == []


def test_two_formations_on_one_target_and_an_officer_at_the_limit_are_flagged(client, session, world):
    other = second_formation(session, world)
    a = propose(client, world)
    b = propose(client, world, formation_id=other, starts_at=f"{DAY}T20:00", ends_at=f"{DAY}T23:00")
    facts = {r.id: r for r in qa.board_facts(session, [a["id"], b["id"]])}
    assert facts[a["id"]].shared_target_ids == [b["id"]] and facts[b["id"]].shared_target_ids == [a["id"]]
    assert (facts[a["id"]].officer_formations, facts[a["id"]].members) == (2, 1)
    rows = board(client)
    codes = [v["code"] for v in rows[a["id"]]["flags"]]
    assert codes == ["board-shared-target", "no-double-booking"]
    assert rows[a["id"]]["flags"][1]["item"] == "8.1 (D)" and "at the limit" in rows[a["id"]]["flags"][1]["message"]
    client.post(f"/api/v1/assignments/{b['id']}/cancel", json={"reason": "moved"})
    assert board(client)[a["id"]]["flags"] == []  # a cancelled one shares nothing


def test_an_edit_passes_and_writes_an_update_history_row(client, session, world):
    a = propose(client, world)
    r = client.patch(f"/api/v1/assignments/{a['id']}", json={"starts_at": f"{DAY}T19:00", "ends_at": f"{DAY}T23:00"})
    assert r.status_code == 200
    props = r.get_json(force=True)["properties"]
    assert (props["starts_at"], props["ends_at"]) == (f"{DAY}T19:00:00+05:00", f"{DAY}T23:00:00+05:00")
    row = session.scalars(select(AssignmentHistory).where(AssignmentHistory.assignment_id == a["id"])
                          .order_by(AssignmentHistory.id.desc())).first()
    assert row.action == "update"
    assert datetime.fromisoformat(row.before["shift"][0]) == datetime.fromisoformat(f"{DAY}T18:00+05:00")
    assert datetime.fromisoformat(row.after["shift"][0]) == datetime.fromisoformat(f"{DAY}T19:00+05:00")


def test_an_edit_of_a_confirmed_assignment_goes_back_to_proposed(client, world):
    a = propose(client, world)
    assert client.post(f"/api/v1/assignments/{a['id']}/confirm", json={"officer_id": world.officer}).status_code == 200
    r = client.patch(f"/api/v1/assignments/{a['id']}", json={"ends_at": f"{DAY}T21:00"})
    assert r.status_code == 200 and r.get_json(force=True)["properties"]["status"] == "proposed"


def test_an_edit_breaking_a_rule_is_422_and_stores_nothing(client, session, world):
    a = propose(client, world)
    before = session.scalars(select(AssignmentHistory).where(AssignmentHistory.assignment_id == a["id"])).all()
    r = client.patch(f"/api/v1/assignments/{a['id']}", json={"officer_id": world.inactive_officer})
    assert r.status_code == 422 and "police-supervision" in {v["code"] for v in r.get_json()["violations"]}
    assert client.get(f"/api/v1/assignments/{a['id']}").get_json(force=True)["properties"]["officer_id"] == world.officer
    after = session.scalars(select(AssignmentHistory).where(AssignmentHistory.assignment_id == a["id"])).all()
    assert len(after) == len(before)


@pytest.mark.parametrize("change, status", [
    ({"starts_at": "this evening"}, 400), ({"ends_at": f"{DAY}T10:00"}, 400), ({"colour": "red"}, 400),
    ({"officer_id": 999999}, 404), ({"target_id": 999999}, 404), ({"member_ids": "all"}, 400),
])
def test_bad_edits_are_400_or_404_and_store_nothing(client, world, change, status):
    a = propose(client, world)
    r = client.patch(f"/api/v1/assignments/{a['id']}", json=change)
    assert r.status_code == status and r.get_json()["error"]
    assert client.get(f"/api/v1/assignments/{a['id']}").get_json(force=True)["properties"]["starts_at"] == \
        f"{DAY}T18:00:00+05:00"


def test_undo_cancels_a_proposal_and_is_not_undone_twice(client, world):
    a = propose(client, world)
    r = client.post("/api/v1/dispatch/undo", json={})
    assert r.status_code == 200
    answer = r.get_json()
    assert (answer["undone"], answer["assignment"]["id"], answer["assignment"]["properties"]["status"]) == (
        "create", a["id"], "cancelled")
    again = client.post("/api/v1/dispatch/undo", json={})
    assert again.status_code == 409 and "nothing to undo" in again.get_json()["error"]


def test_undo_of_a_cancel_restores_the_previous_state(client, world):
    a = propose(client, world)
    client.post(f"/api/v1/assignments/{a['id']}/confirm", json={"officer_id": world.officer})
    client.post(f"/api/v1/assignments/{a['id']}/cancel", json={"reason": "mistake"})
    r = client.post("/api/v1/dispatch/undo", json={})
    assert r.status_code == 200 and r.get_json()["undone"] == "cancelled"
    assert r.get_json()["assignment"]["properties"]["status"] == "confirmed"


def test_undo_of_a_cancel_runs_the_rules_again_and_stores_nothing_when_they_fail(app, client, session, world):
    a = propose(client, world)
    client.post(f"/api/v1/assignments/{a['id']}/cancel", json={"reason": "swap"})
    add_user(session, "colleague", ["dispatcher"])
    session.commit()
    colleague = sign_in(app.test_client(), "colleague")  # books the formation meanwhile, elsewhere
    propose(colleague, world, target_kind="event", target_id=world.event, starts_at=f"{DAY}T19:00",
            ends_at=f"{DAY}T21:00")
    r = client.post("/api/v1/dispatch/undo", json={})
    assert r.status_code == 422 and [v["code"] for v in r.get_json()["violations"]] == ["no-double-booking"]
    assert client.get(f"/api/v1/assignments/{a['id']}").get_json(force=True)["properties"]["status"] == "cancelled"


def test_undo_of_an_edit_restores_the_previous_values(client, session, world):
    a = propose(client, world)
    client.post(f"/api/v1/assignments/{a['id']}/confirm", json={"officer_id": world.officer})
    client.patch(f"/api/v1/assignments/{a['id']}", json={"starts_at": f"{DAY}T19:00"})
    r = client.post("/api/v1/dispatch/undo", json={})
    assert r.status_code == 200 and r.get_json()["undone"] == "update"
    props = r.get_json()["assignment"]["properties"]
    assert (props["starts_at"], props["status"]) == (f"{DAY}T18:00:00+05:00", "confirmed")
    row = session.scalars(select(AssignmentHistory).where(AssignmentHistory.assignment_id == a["id"])
                          .order_by(AssignmentHistory.id.desc())).first()
    assert row.action == "undo"


def test_undo_after_the_window_is_409_and_changes_nothing(connection, session, world):
    app = make_app(connection, UNDO_WINDOW_S=0)
    add_user(session, "late", ["dispatcher"])
    session.commit()
    late = sign_in(app.test_client(), "late")
    a = late.post("/api/v1/assignments", json=body(world)).get_json(force=True)
    r = late.post("/api/v1/dispatch/undo", json={})
    assert r.status_code == 409
    assert late.get(f"/api/v1/assignments/{a['id']}").get_json(force=True)["properties"]["status"] == "proposed"


def test_undo_needs_an_empty_json_object(client, world):
    assert client.post("/api/v1/dispatch/undo", json={"id": 3}).status_code == 400
    assert client.post("/api/v1/dispatch/undo", data="x", content_type="text/plain").status_code == 400


def test_the_targets_under_a_click_are_every_overlapping_one_smallest_first(client, session, world):
    square = PublicPlace(name="Market square", kind="square",
                         geom=from_shape(box(76.924, 43.244, 76.926, 43.246), srid=4326))
    session.add(square)
    session.commit()
    r = client.get(f"/api/v1/dispatch/targets?lon=76.925&lat=43.245&radius_m=5&date={DAY}")
    assert r.status_code == 200
    found = [(t["kind"], t["id"]) for t in r.get_json()["targets"]]
    assert found == [("public_place", square.id), ("patrol_zone", world.zone)]
    assert r.get_json()["targets"][1]["kind_label"] == "patrol zone"
    alone = client.get(f"/api/v1/dispatch/targets?lon=76.935&lat=43.2405&radius_m=3&date={DAY}&without_streets=true")
    assert [t["name"] for t in alone.get_json()["targets"]] == []


@pytest.mark.parametrize("query", ["lon=x&lat=43&radius_m=5&date=2026-12-05", "lon=76.9&lat=43&date=2026-12-05",
                                   "lon=200&lat=43&radius_m=5&date=2026-12-05",
                                   "lon=76.9&lat=43&radius_m=5000&date=2026-12-05",
                                   "lon=76.9&lat=43&radius_m=nan&date=2026-12-05",
                                   "lon=76.9&lat=43&radius_m=5"])
def test_bad_target_queries_are_400(client, world, query):
    r = client.get(f"/api/v1/dispatch/targets?{query}")
    assert r.status_code == 400 and r.get_json()["error"]
