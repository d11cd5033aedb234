"""/api/v1 assignments: 201 with a Location, 422 with every violation and nothing stored, 400s, 404s."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from geo import services
from geo.access import SYSTEM
from geo.db.models import Assignment
from geo.errors import RuleViolation
from geo.services import AssignmentRequest

from tests.support.dispatch_world import at, world  # noqa: F401  (fixture)

GEOJSON = "application/geo+json"


def body(world, **changes) -> dict:
    values = dict(formation_id=world.formation, target_kind="patrol_zone", target_id=world.zone, activity="8.1",
                  starts_at="2026-12-05T18:00", ends_at="2026-12-05T22:00", officer_id=world.officer)
    values.update(changes)
    return values


def stored(session) -> int:
    return session.scalar(select(func.count()).select_from(Assignment))


def post(client, payload, url="/api/v1/assignments"):
    return client.post(url, json=payload)


def test_a_lawful_request_is_201_with_the_assignment_and_its_location(client, session, world):
    r = post(client, body(world))
    assert r.status_code == 201 and r.content_type == GEOJSON
    feature = r.get_json(force=True)
    props = feature["properties"]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Polygon"
    assert (props["status"], props["formation"], props["target_kind"], props["target_name"]) == (
        "proposed", "Samal", "patrol_zone", "Green market")
    assert (props["starts_at"], props["ends_at"]) == ("2026-12-05T18:00:00+05:00", "2026-12-05T22:00:00+05:00")
    assert (props["officer"], props["members"], props["activity"]) == ("Capt. Abenov", 1, "8.1")
    assert r.headers["Location"] == f"/api/v1/assignments/{feature['id']}"
    again = client.get(r.headers["Location"])
    assert again.status_code == 200 and again.get_json(force=True) == feature
    assert stored(session) == 1


def test_a_request_with_an_offset_keeps_its_instant(client, world):
    r = post(client, body(world, starts_at="2026-12-05T13:00:00Z", ends_at="2026-12-05T22:00:00+05:00"))
    assert r.status_code == 201
    assert r.get_json(force=True)["properties"]["starts_at"] == "2026-12-05T18:00:00+05:00"


def test_a_violating_request_is_422_with_every_violation_and_stores_nothing(client, session, world):
    bad = body(world, formation_id=world.unnotified, target_id=world.far_zone, activity="8.6",
               officer_id=world.inactive_officer, member_ids=[world.adult])
    r = post(client, bad)
    assert r.status_code == 422 and r.is_json
    answer = r.get_json()
    assert answer["error"]
    with pytest.raises(RuleViolation) as expected:  # the service's own verdict on the same request
        services.assign_formation(session, AssignmentRequest(
            world.unnotified, "patrol_zone", world.far_zone, "8.6", at("2026-12-05 18:00"), at("2026-12-05 22:00"),
            world.inactive_officer, (world.adult,)), actor=SYSTEM)
    assert answer["violations"] == [v.as_dict() for v in expected.value.violations]
    assert {"formation-notified", "formation-home-area", "activity-target", "police-supervision"} <= {
        v["code"] for v in answer["violations"]}
    assert all(set(v) == {"code", "item", "citation", "message"} and all(v.values()) for v in answer["violations"])
    assert {v["citation"] for v in answer["violations"]} >= {"Order 641, Rules item 7",
                                                           "design choice (D) under Order 641, Rules item 8.6"}
    assert stored(session) == 0


def test_a_minor_on_the_shift_is_422_citing_law_590_art_5(client, session, world):
    r = post(client, body(world, member_ids=[world.adult, world.minor]))
    assert r.status_code == 422
    [violation] = r.get_json()["violations"]
    assert (violation["code"], violation["item"]) == ("participant-eligible", "Law 590-II art. 5")
    assert violation["citation"] == "Law 590-II art. 5" and "under 18" in violation["message"]
    assert stored(session) == 0


def test_double_booking_is_422_and_keeps_the_first_assignment_only(client, session, world):
    assert post(client, body(world)).status_code == 201
    r = post(client, body(world, target_kind="event", target_id=world.event, starts_at="2026-12-05T19:00"))
    assert r.status_code == 422
    assert [v["code"] for v in r.get_json()["violations"]] == ["no-double-booking"]
    assert stored(session) == 1


@pytest.mark.parametrize("data, reason", [
    ("", "JSON object is required"),
    ("{not json", "not valid JSON"),
    ("[1, 2]", "must be a JSON object"),
])
def test_a_body_that_is_not_a_json_object_is_400(client, session, world, data, reason):
    r = client.post("/api/v1/assignments", data=data, content_type="application/json")
    assert r.status_code == 400 and reason in r.get_json()["error"]
    assert stored(session) == 0


def test_a_body_not_sent_as_json_is_400_so_html_forms_of_other_sites_cannot_write(client, session, world):
    r = client.post("/api/v1/assignments", data=json.dumps(body(world)), content_type="text/plain")
    assert r.status_code == 400 and "application/json" in r.get_json()["error"]
    assert stored(session) == 0


@pytest.mark.parametrize("changes, reason", [
    ({"activity": None, "ends_at": None}, "missing field(s): activity, ends_at"),
    ({"starts_at": "tomorrow evening"}, "starts_at is not an ISO 8601 date-time"),
    ({"ends_at": 1765000000}, "ends_at must be an ISO 8601 date-time string"),
    ({"formation_id": "3"}, "formation_id must be a whole number"),
    ({"member_ids": "1,2"}, "member_ids must be a list"),
    ({"officer": 5}, "unknown field(s): officer"),
    ({"ends_at": "2026-12-05T17:00"}, "shift"),
    ({"target_kind": "checkpoint"}, "unknown target kind"),
])
def test_bad_fields_are_400_with_the_reason_and_store_nothing(client, session, world, changes, reason):
    payload = {k: v for k, v in body(world, **changes).items() if v is not None}
    r = post(client, payload)
    assert r.status_code == 400 and reason in r.get_json()["error"]
    assert stored(session) == 0


@pytest.mark.parametrize("field", ["formation_id", "target_id", "officer_id"])
def test_unknown_ids_are_404(client, session, world, field):
    r = post(client, body(world, **{field: 999999}))
    assert r.status_code == 404 and r.is_json
    assert stored(session) == 0


def test_unknown_assignments_are_404(client, world):
    assert client.get("/api/v1/assignments/999999").status_code == 404
    r = client.post("/api/v1/assignments/999999/confirm", json={"officer_id": world.officer})
    assert r.status_code == 404 and "no assignment 999999" in r.get_json()["error"]
    assert client.patch("/api/v1/assignments/999999", json={"ends_at": "2026-12-05T21:00"}).status_code == 404


def test_confirm_by_the_units_officer_and_not_by_another_units(client, world):
    created = post(client, body(world)).get_json(force=True)
    url = f"/api/v1/assignments/{created['id']}"
    assert client.post(url + "/confirm", json={"officer_id": world.other_officer}).status_code == 404
    r = client.post(url + "/confirm", json={"officer_id": world.officer})
    assert r.status_code == 200 and r.get_json(force=True)["properties"]["status"] == "confirmed"
    again = client.post(url + "/confirm", json={"officer_id": world.officer})
    assert again.status_code == 400 and "only proposed" in again.get_json()["error"]


def test_reject_needs_a_reason_and_records_it(client, world):
    url = f"/api/v1/assignments/{post(client, body(world)).get_json(force=True)['id']}"
    assert client.post(url + "/reject", json={"officer_id": world.officer}).status_code == 400
    blank = client.post(url + "/reject", json={"officer_id": world.officer, "reason": "  "})
    assert blank.status_code == 400 and "needs a reason" in blank.get_json()["error"]
    r = client.post(url + "/reject", json={"officer_id": world.officer, "reason": "too few members"})
    props = r.get_json(force=True)["properties"]
    assert (r.status_code, props["status"], props["status_reason"]) == (200, "rejected", "too few members")


def test_cancel_frees_the_formation_for_the_shift(client, world):
    url = f"/api/v1/assignments/{post(client, body(world)).get_json(force=True)['id']}"
    assert client.post(url + "/cancel", json={}).status_code == 400
    r = client.post(url + "/cancel", json={"reason": "event moved"})
    assert r.status_code == 200 and r.get_json(force=True)["properties"]["status"] == "cancelled"
    assert post(client, body(world)).status_code == 201


def test_patch_runs_the_rules_again(client, world):
    url = f"/api/v1/assignments/{post(client, body(world)).get_json(force=True)['id']}"
    beyond_duty = client.patch(url, json={"ends_at": "2026-12-06T09:00"})
    assert beyond_duty.status_code == 422
    assert [v["code"] for v in beyond_duty.get_json()["violations"]] == ["police-supervision"]
    assert client.get(url).get_json(force=True)["properties"]["ends_at"] == "2026-12-05T22:00:00+05:00"
    moved = client.patch(url, json={"starts_at": "2026-12-05T19:00"})
    assert moved.status_code == 200
    assert moved.get_json(force=True)["properties"]["starts_at"] == "2026-12-05T19:00:00+05:00"
    assert client.patch(url, json={"formation_id": world.unnotified}).status_code == 400


def test_the_list_is_geojson_of_the_window_by_status_and_jurisdiction(client, world):
    first = post(client, body(world)).get_json(force=True)
    client.post(f"/api/v1/assignments/{first['id']}/cancel", json={"reason": "rain"})
    post(client, body(world, starts_at="2026-12-05T10:00", ends_at="2026-12-05T12:00"))
    day = "from=2026-12-05T00:00&to=2026-12-06T00:00"
    r = client.get(f"/api/v1/assignments?{day}")
    assert r.status_code == 200 and r.content_type == GEOJSON
    collection = r.get_json(force=True)
    assert collection["type"] == "FeatureCollection"
    assert [f["properties"]["status"] for f in collection["features"]] == ["proposed"]
    every = client.get(f"/api/v1/assignments?{day}&status=all").get_json(force=True)["features"]
    assert sorted(f["properties"]["status"] for f in every) == ["cancelled", "proposed"]
    assert client.get("/api/v1/assignments?from=2026-12-06T00:00").get_json(force=True)["features"] == []
    mine = client.get(f"/api/v1/assignments?jurisdiction_of={world.officer}").get_json(force=True)
    theirs = client.get(f"/api/v1/assignments?jurisdiction_of={world.other_officer}").get_json(force=True)
    assert (len(mine["features"]), theirs["features"]) == (1, [])


@pytest.mark.parametrize("query, status, reason", [
    ("status=finished", 400, "unknown status 'finished'"),
    ("from=2026-12-06T00:00&to=2026-12-05T00:00", 400, "from must be before to"),
    ("from=yesterday", 400, "from is not an ISO 8601"),
    ("jurisdiction_of=999999", 404, "no officer 999999"),
])
def test_bad_list_arguments_are_answered_with_the_reason(client, world, query, status, reason):
    r = client.get(f"/api/v1/assignments?{query}")
    assert r.status_code == status and reason in r.get_json()["error"]


def test_options_rank_formations_and_say_who_can_supervise(client, world):
    shift = "starts_at=2026-12-05T18:00&ends_at=2026-12-05T22:00"
    r = client.get(f"/api/v1/dispatch/options?target_kind=patrol_zone&target_id={world.zone}&{shift}")
    assert r.status_code == 200
    options = r.get_json()
    assert options["target"]["name"] == "Green market" and options["activity"] == "8.1"
    assert {"8.1", "8.4", "6.1"} <= {a["code"] for a in options["activities"]}
    assert "8.5" not in {a["code"] for a in options["activities"]}
    first, second = options["formations"]
    assert (first["name"], first["eligible"]) == ("Samal", True)
    assert (second["name"], second["failed_codes"]) == ("Aksai", ["formation-notified"])
    assert second["violations"][0]["item"] == "7"
    officers = {o["name"]: o for o in options["officers"]}
    assert officers["Capt. Abenov"]["can_supervise"] and officers["Capt. Abenov"]["reasons"] == []
    assert officers["Lt. Ospanov"]["reasons"] == ["not active"]


@pytest.mark.parametrize("query, status", [
    ("target_kind=patrol_zone&starts_at=2026-12-05T18:00&ends_at=2026-12-05T22:00", 400),
    ("target_kind=patrol_zone&target_id=999999&starts_at=2026-12-05T18:00&ends_at=2026-12-05T22:00", 404),
    ("target_kind=patrol_zone&target_id=1&starts_at=2026-12-05T18:00&ends_at=2026-12-05T17:00", 400),
])
def test_bad_option_queries_are_400_or_404(client, world, query, status):
    assert client.get(f"/api/v1/dispatch/options?{query}").status_code == status


def test_the_roster_says_which_members_may_go_out(client, world):
    r = client.get(f"/api/v1/formations/{world.formation}/members?date=2026-12-05")
    members = {m["name"]: m for m in r.get_json()["members"]}
    assert members["Aigerim Sadykova"]["eligible"]
    assert [v["item"] for v in members["Timur Bekov"]["violations"]] == ["Law 590-II art. 5"]
    assert client.get(f"/api/v1/formations/{world.formation}/members").status_code == 400
    assert client.get("/api/v1/formations/999999/members?date=2026-12-05").status_code == 404


def test_a_repeated_idempotency_key_answers_the_stored_assignment_and_stores_nothing_more(client, session, world):
    """A double click or a resend after a lost answer: one key, one assignment (the second answer 200, not
    a double-booking 422); another key is another proposal; a bad key is 400 and stores nothing."""
    key = {"Idempotency-Key": "3f1c2a4e-5b6d-4e7f-8a9b-0c1d2e3f4a5b"}
    first = client.post("/api/v1/assignments", json=body(world), headers=key)
    again = client.post("/api/v1/assignments", json=body(world), headers=key)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.get_json(force=True)["id"] == first.get_json(force=True)["id"] and stored(session) == 1
    other = client.post("/api/v1/assignments", json=body(world), headers={"Idempotency-Key": "another"})
    assert other.status_code == 422  # a new proposal of the same shift: double booking, by the rules
    assert [v["code"] for v in other.get_json(force=True)["violations"]] == ["no-double-booking"]
    bad = client.post("/api/v1/assignments", json=body(world, starts_at="2026-12-06T18:00",
                                                        ends_at="2026-12-06T22:00"),
                      headers={"Idempotency-Key": "with space"})
    assert bad.status_code == 400 and "Idempotency-Key" in bad.get_json(force=True)["message"]
    assert stored(session) == 1
    row = session.scalar(select(Assignment))
    assert row.request_key == key["Idempotency-Key"]
