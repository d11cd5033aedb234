"""The individual form through /api/v1 (Order 641 items 5-6): a dispatcher gives one individual
participant an item 6 task; the participant signs in, sees it and files a report of an item 6 type.
What the rules refuse is 422 and what the input gets wrong is 400, and neither stores anything."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, update

from geo.db.models import Assignment, AssignmentMember, FieldReport, Officer, Participant

from tests.conftest import add_user, sign_in
from tests.support.dispatch_world import world  # noqa: F401  (fixture)

GEOJSON = "application/geo+json"


def person(session, name: str = "Ainur Kasymova", form: str = "individual", **changes) -> int:
    values = dict(full_name=name, birth_date=date(1992, 4, 2), registration_status="registered",
                  certificate_number=f"C-{name}", certificate_status="issued", legal_training_on=date(2026, 1, 20),
                  participation_form=form)
    values.update(changes)
    row = Participant(**values)
    session.add(row)
    session.flush()
    return row.id


def task(world, participant_id: int, **changes) -> dict:
    values = dict(participant_id=participant_id, target_kind="patrol_zone", target_id=world.zone, activity="6.1",
                  starts_at="2026-12-05T18:00", ends_at="2026-12-05T22:00")
    values.update(changes)
    return values


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_item_6_an_individual_participant_is_given_an_item_6_1_task(client, session, world):
    ainur = person(session)
    r = client.post("/api/v1/assignments", json=task(world, ainur))
    assert r.status_code == 201 and r.content_type == GEOJSON, r.get_data(as_text=True)
    props = r.get_json(force=True)["properties"]
    assert (props["participant_id"], props["participant"], props["formation_id"], props["formation"]) == (
        ainur, "Ainur Kasymova", None, None)
    assert (props["activity"], props["members"], props["status"]) == ("6.1", 1, "proposed")
    row = session.get(Assignment, props["id"])
    assert (row.formation_id, row.participant_id) == (None, ainur)
    assert session.scalars(select(AssignmentMember.participant_id)
                           .where(AssignmentMember.assignment_id == row.id)).all() == [ainur]
    listed = client.get("/api/v1/assignments?from=2026-12-05T00:00&to=2026-12-06T00:00").get_json(force=True)
    assert [f["properties"]["participant"] for f in listed["features"]] == ["Ainur Kasymova"]


def test_items_5_8_an_item_8_1_task_for_an_individual_is_422_collective_only_and_stores_nothing(
        client, session, world):
    r = client.post("/api/v1/assignments", json=task(world, person(session), activity="8.1",
                                                        officer_id=world.officer))
    assert r.status_code == 422
    violations = r.get_json()["violations"]
    assert [(v["code"], v["item"]) for v in violations] == [("collective-only", "5-8")]
    assert "done only by a formation" in violations[0]["message"]
    assert count(session, Assignment) == 0


def test_item_5_a_participant_recorded_only_as_a_member_is_not_given_a_task_alone(client, session, world):
    r = client.post("/api/v1/assignments", json=task(world, person(session, form="member")))
    assert r.status_code == 422
    assert [(v["code"], v["item"]) for v in r.get_json()["violations"]] == [("collective-only", "5 (D)")]
    assert count(session, Assignment) == 0


def test_law_art_5_an_individual_under_18_is_refused(client, session, world):
    r = client.post("/api/v1/assignments", json=task(world, person(session, birth_date=date(2010, 1, 1))))
    assert r.status_code == 422
    assert [(v["code"], v["item"]) for v in r.get_json()["violations"]] == [
        ("participant-eligible", "Law 590-II art. 5")]
    assert count(session, Assignment) == 0


@pytest.mark.parametrize("service, status", [
    pytest.param(None, 422, id="item-6.2-officer-of-no-service-422"),
    pytest.param("patrol", 422, id="item-6.2-patrol-officer-422"),
    pytest.param("local-inspector", 201, id="item-6.2-local-inspector-201"),
    pytest.param("juvenile", 201, id="item-6.2-juvenile-unit-201"),
])
def test_item_6_2_needs_an_officer_of_the_specified_services(client, session, world, service, status):
    session.execute(update(Officer).where(Officer.id == world.officer).values(service=service))
    session.flush()
    r = client.post("/api/v1/assignments", json=task(world, person(session), activity="6.2",
                                                        officer_id=world.officer))
    assert r.status_code == status, r.get_data(as_text=True)
    if status == 422:
        assert [(v["code"], v["item"]) for v in r.get_json()["violations"]] == [("police-supervision", "6.2")]
    assert count(session, Assignment) == (status == 201)


def test_item_6_2_without_an_officer_is_refused_for_an_individual(client, session, world):
    r = client.post("/api/v1/assignments", json=task(world, person(session), activity="6.2"))
    assert r.status_code == 422
    [violation] = r.get_json()["violations"]
    assert (violation["code"], violation["item"]) == ("police-supervision", "6.2")
    assert "specified services" in violation["message"]


@pytest.mark.parametrize("assignees", [
    pytest.param({"formation_id": "formation", "participant_id": "person"}, id="both"),
    pytest.param({}, id="neither"),
])
def test_an_assignment_names_exactly_one_assignee_or_is_400(client, session, world, assignees):
    ainur = person(session)
    payload = task(world, ainur, activity="6.1")
    payload.pop("participant_id")
    payload.update({k: world.formation if v == "formation" else ainur for k, v in assignees.items()})
    r = client.post("/api/v1/assignments", json=payload)
    assert r.status_code == 400
    assert "exactly one of formation_id" in r.get_json()["message"]
    assert count(session, Assignment) == 0


def test_an_unknown_participant_is_404(client, world):
    assert client.post("/api/v1/assignments", json=task(world, 987654)).status_code == 404


def test_an_individual_is_not_booked_twice_in_overlapping_shifts(client, session, world):
    ainur = person(session)
    assert client.post("/api/v1/assignments", json=task(world, ainur)).status_code == 201
    r = client.post("/api/v1/assignments", json=task(world, ainur, starts_at="2026-12-05T21:00",
                                                        ends_at="2026-12-05T23:00"))
    assert r.status_code == 422
    assert [v["code"] for v in r.get_json()["violations"]] == ["no-double-booking"]
    assert count(session, Assignment) == 1


def test_a_task_of_an_individual_can_be_cancelled_and_its_shift_changed(client, session, world):
    created = client.post("/api/v1/assignments", json=task(world, person(session))).get_json(force=True)
    url = f"/api/v1/assignments/{created['id']}"
    changed = client.patch(url, json={"ends_at": "2026-12-05T21:00"})
    assert changed.status_code == 200, changed.get_data(as_text=True)
    assert changed.get_json(force=True)["properties"]["ends_at"] == "2026-12-05T21:00:00+05:00"
    assert client.patch(url, json={"activity": "8.1"}).status_code == 422
    cancelled = client.post(f"{url}/cancel", json={"reason": "rain"})
    assert cancelled.status_code == 200 and cancelled.get_json(force=True)["properties"]["status"] == "cancelled"


# --- the participant signs in: their own tasks and reports --------------------------------------


@pytest.fixture
def participant(app, client, session, world):
    """An individual participant with an account, given a 6.1 task by the admin's client."""
    ainur = person(session)
    add_user(session, "ainur", ["participant"], participant_id=ainur)
    other = person(session, "Berik Nurlanov", form="both")
    mine = client.post("/api/v1/assignments", json=task(world, ainur)).get_json(force=True)["id"]
    theirs = client.post("/api/v1/assignments", json=task(world, other)).get_json(force=True)["id"]
    session.commit()
    return {"client": sign_in(app.test_client(), "ainur"), "id": ainur, "mine": mine, "theirs": theirs}


def report(**changes) -> dict:
    values = dict(category="crime-information", item="6.6", lon=76.925, lat=43.245,
                  observed_at=(datetime.now(timezone.utc) - timedelta(hours=1)).isoformat(),
                  description="Hemp growing behind the garages")
    values.update(changes)
    return values


def test_the_participant_sees_only_their_own_tasks(participant):
    me = participant["client"]
    shifts = me.get("/api/v1/my/assignments").get_json(force=True)
    assert [f["id"] for f in shifts["features"]] == [participant["mine"]]
    assert shifts["participant"] == {"id": participant["id"], "name": "Ainur Kasymova"}
    assert me.get(f"/api/v1/assignments/{participant['mine']}").status_code == 200
    assert me.get(f"/api/v1/assignments/{participant['theirs']}").status_code == 404


def test_the_participant_may_not_dispatch(participant, world):
    r = participant["client"].post("/api/v1/assignments", json=task(world, participant["id"]))
    assert r.status_code == 403


def test_item_6_6_a_report_filed_by_the_participant_is_stored_with_its_type(participant, session):
    r = participant["client"].post("/api/v1/reports", json=report(assignment_id=participant["mine"]))
    assert r.status_code == 201, r.get_data(as_text=True)
    shown = r.get_json()
    assert (shown["item"], shown["participant_id"], shown["participant"], shown["assignment_id"]) == (
        "6.6", participant["id"], "Ainur Kasymova", participant["mine"])
    assert shown["item_label"].startswith("6.6: Illegal cultivation")
    row = session.get(FieldReport, shown["id"])
    assert (row.item, row.participant_id, row.formation_id) == ("6.6", participant["id"], None)
    listed = participant["client"].get("/api/v1/reports").get_json()["reports"]
    assert [x["id"] for x in listed] == [shown["id"]]


@pytest.mark.parametrize("item", ["8.1", "6.9", "", None], ids=["item-8", "unknown", "empty", "missing"])
def test_a_report_of_an_unknown_or_missing_type_is_400_and_stores_nothing(participant, session, item):
    payload = report()
    if item is None:
        payload.pop("item")
    else:
        payload["item"] = item
    r = participant["client"].post("/api/v1/reports", json=payload)
    assert r.status_code == 400
    assert [row["field"] for row in r.get_json()["rows"]] == ["item"]
    assert count(session, FieldReport) == 0


def test_a_report_on_another_participants_task_is_refused_with_400(participant, session):
    r = participant["client"].post("/api/v1/reports", json=report(assignment_id=participant["theirs"]))
    assert r.status_code == 400 and [row["field"] for row in r.get_json()["rows"]] == ["assignment_id"]
    assert count(session, FieldReport) == 0


def test_a_dispatcher_may_still_file_a_report_without_a_type(client, session, world):
    r = client.post("/api/v1/reports", json=report(item=None))
    assert r.status_code == 201 and r.get_json()["item"] is None


def options(client, world, activity: str) -> dict:
    r = client.get(f"/api/v1/dispatch/options?target_kind=patrol_zone&target_id={world.zone}"
                   f"&starts_at=2026-12-05T18:00&ends_at=2026-12-05T22:00&activity={activity}")
    assert r.status_code == 200, r.get_data(as_text=True)
    return r.get_json()


def test_item_6_the_options_rank_individual_participants_eligible_first(client, session, world):
    ainur = person(session)
    young = person(session, "Dana Young", form="both", birth_date=date(2010, 1, 1))
    person(session, "Marat Member", form="member")
    offered = options(client, world, "6.1")["individuals"]
    assert [(i["participant_id"], i["eligible"]) for i in offered] == [(ainur, True), (young, False)]
    assert offered[1]["failed_codes"] == ["participant-eligible"]


def test_items_5_8_no_individual_is_offered_for_an_item_8_activity(client, session, world):
    person(session)
    assert options(client, world, "8.1")["individuals"] == []


def test_the_options_name_each_officers_service(client, session, world):
    session.execute(update(Officer).where(Officer.id == world.officer).values(service="local-inspector"))
    session.flush()
    officers = {o["id"]: o for o in options(client, world, "6.2")["officers"]}
    assert (officers[world.officer]["service"], officers[world.officer]["service_label"]) == (
        "local-inspector", "local police inspectors")


def test_the_reports_csv_carries_the_type_and_the_individual_who_filed_it(participant):
    me = participant["client"]
    filed = me.post("/api/v1/reports", json=report(item="6.7", description="A flat used as a den")).get_json()
    rows = list(csv.DictReader(io.StringIO(me.get("/reports.csv").get_data(as_text=True))))
    assert [(r["id"], r["item"], r["participant"], r["formation"]) for r in rows] == [
        (str(filed["id"]), "6.7", "Ainur Kasymova", "")]


def test_item_6_2_a_supervisor_confirms_an_individuals_task_and_the_rules_run_again(client, session, world):
    session.execute(update(Officer).where(Officer.id == world.officer).values(service="juvenile"))
    session.flush()
    created = client.post("/api/v1/assignments", json=task(world, person(session), activity="6.2",
                                                              officer_id=world.officer)).get_json(force=True)
    session.execute(update(Officer).where(Officer.id == world.officer).values(service="traffic"))
    session.flush()
    url = f"/api/v1/assignments/{created['id']}/confirm"
    refused = client.post(url, json={"officer_id": world.officer})
    assert refused.status_code == 422
    assert [(v["code"], v["item"]) for v in refused.get_json()["violations"]] == [("police-supervision", "6.2")]
    session.execute(update(Officer).where(Officer.id == world.officer).values(service="juvenile"))
    session.flush()
    confirmed = client.post(url, json={"officer_id": world.officer})
    assert confirmed.status_code == 200, confirmed.get_data(as_text=True)
    assert confirmed.get_json(force=True)["properties"]["status"] == "confirmed"
