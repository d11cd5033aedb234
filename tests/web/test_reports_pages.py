"""Field reports through pages, API and CSV: filing, refusing, who sees which, the note, escaping."""
from __future__ import annotations

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select

from geo.db.models import FieldReport, Formation
from tests.conftest import make_app, sign_in
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)
from tests.support.leader_world import ELSEWHERE, INSIDE, XSS

NOTE = "Information for the police, not a registered crime."


def _local(delta: timedelta = timedelta(hours=-1)) -> str:
    return (datetime.now(ZoneInfo("Asia/Almaty")) + delta).strftime("%Y-%m-%dT%H:%M")


def _form(**changes) -> dict:
    return {"category": "order-demand", "lon": str(INSIDE[0]), "lat": str(INSIDE[1]), "observed_at": _local(),
            "description": "Asked a group to stop shouting at night", "location_source": "map"} | changes


def _api(**changes) -> dict:
    return {"category": "prevention-talk", "lon": ELSEWHERE[0], "lat": ELSEWHERE[1], "observed_at": _local(),
            "description": "Talk at the school gate"} | changes


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(FieldReport))


def test_a_leader_files_a_report_on_the_page_and_it_says_what_it_is(as_user, lw, session):
    leader = as_user("leader")
    form = leader.get("/reports/new")
    assert form.status_code == 200 and NOTE in form.get_data(as_text=True)
    assert "report.js" in form.get_data(as_text=True)
    done = leader.post("/reports/new", data=_form())
    assert done.status_code == 302
    page = leader.get(done.headers["Location"])
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and NOTE in html and "Asked a group to stop shouting" in html
    listing = leader.get("/reports").get_data(as_text=True)
    assert NOTE in listing and "Asked a group to stop shouting" in listing


def test_bad_input_on_the_page_gets_every_message_and_stores_nothing(as_user, lw, session):
    refused = as_user("leader").post("/reports/new", data=_form(lon="", lat="", description="  ",
                                                                observed_at=_local(timedelta(days=2))))
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400
    for message in ("mark the place on the map", "describe what happened", "in the future"):
        assert message in html
    outside = as_user("leader").post("/reports/new", data=_form(lon="75.0", lat="42.0", category="burglary"))
    assert outside.status_code == 400
    assert "outside the districts" in outside.get_data(as_text=True)
    assert "choose a category" in outside.get_data(as_text=True)
    assert _count(session) == 0


def test_the_api_files_lists_and_refuses_with_rows(as_user, lw, session):
    other = as_user("other.leader")
    created = other.post("/api/v1/reports", json=_api(location_source="device"))
    assert created.status_code == 201, created.get_json()
    body = created.get_json()
    assert body["note"] == NOTE and body["location_source"] == "device" and body["formation_id"] == lw.world.unnotified
    assert created.headers["Location"].endswith(f"/api/v1/reports/{body['id']}")
    listed = other.get("/api/v1/reports").get_json()
    assert listed["note"] == NOTE and [r["id"] for r in listed["reports"]] == [body["id"]]
    bad = other.post("/api/v1/reports", json={"category": "x", "observed_at": "2020-01-01T00:00"})
    assert bad.status_code == 400
    assert {r["field"] for r in bad.get_json()["rows"]} == {"category", "place", "observed_at", "description"}
    assert _count(session) == 1


def test_another_formations_report_answers_404_by_page_and_api_and_is_absent_from_lists(as_user, lw):
    theirs = as_user("other.leader").post("/api/v1/reports", json=_api()).get_json()["id"]
    leader = as_user("leader")
    assert leader.get(f"/reports/{theirs}").status_code == 404
    answer = leader.get(f"/api/v1/reports/{theirs}")
    assert answer.status_code == 404 and answer.get_json() == {"code": "reports.no-report", "message": f"no report {theirs}",
                                                               "error": f"no report {theirs}"}
    assert leader.get("/api/v1/reports").get_json()["reports"] == []
    csv = leader.get("/reports.csv")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert "Talk at the school gate" not in csv.get_data(as_text=True)
    assert csv.get_data(as_text=True).splitlines()[0].startswith("id,category,")  # the header first
    assert csv.get_data(as_text=True).splitlines()[0].endswith(",rules")  # and the rules in force last
    assert as_user("other.leader").get(f"/reports/{theirs}").status_code == 200


def test_supervisors_see_new_reports_of_their_jurisdiction_and_cannot_file(as_user, lw):
    mine = as_user("leader").post("/api/v1/reports", json=_api(lon=INSIDE[0], lat=INSIDE[1])).get_json()["id"]
    theirs = as_user("other.leader").post("/api/v1/reports", json=_api()).get_json()["id"]
    centre = as_user("supervisor").get("/supervise/reports")
    html = centre.get_data(as_text=True)
    assert centre.status_code == 200 and NOTE in html
    assert f'data-id="{mine}"' in html and f'data-id="{theirs}"' not in html
    assert as_user("supervisor").get(f"/reports/{theirs}").status_code == 404
    assert as_user("other.supervisor").get(f"/api/v1/reports/{theirs}").status_code == 200
    assert as_user("supervisor").get("/reports/new").status_code == 403
    assert as_user("supervisor").post("/api/v1/reports", json=_api()).status_code == 403
    assert as_user("leader").get("/supervise/reports").status_code == 403


def test_a_hostile_description_and_formation_name_are_text_in_pages_and_popups(as_user, lw, session):
    session.get(Formation, lw.world.formation).name = XSS
    session.commit()
    leader = as_user("leader")
    report_id = leader.post("/api/v1/reports", json=_api(lon=INSIDE[0], lat=INSIDE[1],
                                                          description=XSS)).get_json()["id"]
    for path in (f"/reports/{report_id}", "/reports", "/supervise/reports"):
        client = as_user("supervisor") if path.startswith("/supervise") else leader
        html = client.get(path).get_data(as_text=True)
        assert XSS not in html, path
        assert "&lt;img src=x onerror=alert(1)&gt;" in html, path


def test_filing_without_the_csrf_token_is_refused(connection, lw, session):
    signed = sign_in(make_app(connection).test_client(), "leader")
    strict = make_app(connection, WTF_CSRF_ENABLED=True).test_client()
    strict.set_cookie("session", signed.get_cookie("session").value)
    assert strict.post("/reports/new", data=_form()).status_code == 400
    assert strict.post("/api/v1/reports", json=_api(lon=INSIDE[0], lat=INSIDE[1])).status_code == 400
    assert _count(session) == 0
    token = re.search(r'name="csrf_token" value="([^"]+)"', strict.get("/reports/new").get_data(as_text=True))
    assert strict.post("/reports/new", data=_form(csrf_token=token.group(1))).status_code == 302
    assert _count(session) == 1
