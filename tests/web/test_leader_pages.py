"""The leader's "My shifts" page and API: only their formation, acknowledging, CSRF, escaping."""
from __future__ import annotations

import re

from sqlalchemy import select

from geo.db.models import Assignment, Formation, PatrolZone
from tests.conftest import make_app, sign_in
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)
from tests.support.leader_world import XSS


def test_my_shifts_shows_the_formations_shifts_with_officer_and_certificates(as_user, lw):
    page = as_user("leader").get("/my/shifts")
    assert page.status_code == 200 and page.mimetype == "text/html"
    html = page.get_data(as_text=True)
    assert html.count('class="shift"') == 2
    assert f'id="shift-{lw.upcoming}"' in html and f'id="shift-{lw.past}"' in html
    assert f'id="shift-{lw.other}"' not in html and "Far zone" not in html
    assert "Capt. Abenov" in html and "Centre police" in html
    assert re.search(r"<details class=\"members\">.*C-001", html, re.S)  # certificates on request
    assert html.count('class="acknowledge"') == 1  # the upcoming shift only
    assert "leaflet" in html and "cdn" not in html.lower()


def test_the_api_lists_the_leaders_shifts_upcoming_first(as_user, lw):
    answer = as_user("leader").get("/api/v1/my/assignments")
    assert answer.status_code == 200 and answer.mimetype == "application/geo+json"
    body = answer.get_json(force=True)
    assert [f["id"] for f in body["features"]] == [lw.upcoming, lw.past]
    assert body["features"][0]["properties"]["members"][0]["certificate_number"] == "C-001"


def test_another_formations_shift_answers_404_through_page_and_api(as_user, lw, session):
    leader = as_user("leader")
    assert leader.post(f"/my/shifts/{lw.other}/acknowledge").status_code == 404
    answer = leader.post(f"/api/v1/assignments/{lw.other}/acknowledge")
    assert answer.status_code == 404 and answer.is_json
    missing = {"code": "not-found.assignment", "message": "no assignment 999999", "error": "no assignment 999999"}
    assert leader.post("/api/v1/assignments/999999/acknowledge").get_json() == missing
    assert answer.get_json() == {"code": "not-found.assignment", "message": f"no assignment {lw.other}",
                                 "error": f"no assignment {lw.other}"}  # worded (and coded) like a missing id
    assert session.get(Assignment, lw.other).acknowledged_at is None


def test_acknowledging_on_the_page_shows_the_dispatcher_who_acknowledged(as_user, lw):
    done = as_user("leader").post(f"/my/shifts/{lw.upcoming}/acknowledge")
    assert done.status_code == 302 and done.headers["Location"].endswith(f"/my/shifts#shift-{lw.upcoming}")
    html = as_user("leader").get("/my/shifts").get_data(as_text=True)
    assert "Acknowledged by Leader" in html
    seen = as_user("dispatcher").get(f"/api/v1/assignments/{lw.upcoming}").get_json(force=True)
    assert seen["properties"]["acknowledged_by"] == "Leader" and seen["properties"]["acknowledged_at"]
    again = as_user("leader").post(f"/api/v1/assignments/{lw.upcoming}/acknowledge")
    assert again.status_code == 200
    assert again.get_json(force=True)["properties"]["acknowledged_at"] == seen["properties"]["acknowledged_at"]


def test_a_shift_acknowledged_by_no_account_says_when_without_a_question_mark(as_user, lw, session):
    """The demo's history is acknowledged before any account exists (and a deleted account leaves
    acknowledged_by empty): the page says when, not "by ?"."""
    from datetime import datetime, timezone

    from sqlalchemy import update

    session.execute(update(Assignment).where(Assignment.id == lw.past)
                    .values(acknowledged_at=datetime(2026, 4, 2, 7, 0, tzinfo=timezone.utc), acknowledged_by=None))
    session.flush()
    html = as_user("leader").get("/my/shifts").get_data(as_text=True)
    shift = html[html.index(f'id="shift-{lw.past}"'):]
    assert re.search(r'<p class="acknowledged">Acknowledged at 2 Apr 2026', shift[:shift.index("</article>")])
    assert "Acknowledged by ?" not in html


def test_only_a_leader_has_my_shifts(as_user, lw):
    for login in ("dispatcher", "supervisor"):
        assert as_user(login).get("/my/shifts").status_code == 403
        assert as_user(login).get("/api/v1/my/assignments").status_code == 403


def test_acknowledging_without_the_csrf_token_is_refused(connection, lw, session):
    client = sign_in(make_app(connection, WTF_CSRF_ENABLED=False).test_client(), "leader")
    strict = make_app(connection, WTF_CSRF_ENABLED=True).test_client()
    strict.set_cookie("session", client.get_cookie("session").value)
    assert strict.post(f"/my/shifts/{lw.upcoming}/acknowledge").status_code == 400
    assert strict.post(f"/api/v1/assignments/{lw.upcoming}/acknowledge").status_code == 400
    assert session.get(Assignment, lw.upcoming).acknowledged_at is None
    page = strict.get("/my/shifts").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    done = strict.post(f"/my/shifts/{lw.upcoming}/acknowledge", data={"csrf_token": token})
    assert done.status_code == 302


def test_hostile_formation_and_zone_names_are_shown_as_text(as_user, lw, session):
    session.get(Formation, lw.world.formation).name = XSS
    session.get(PatrolZone, lw.world.zone).name = XSS
    session.commit()
    html = as_user("leader").get("/my/shifts").get_data(as_text=True)
    assert XSS not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert session.scalar(select(Formation.name).where(Formation.id == lw.world.formation)) == XSS


NOTE = {"en": "Item titles of the Order: kuzet's translation, not the official text.",
        "ru": "Названия пунктов Приказа — перевод kuzet, не официальный текст.",
        "kk": "Бұйрық тармақтарының атаулары — kuzet аудармасы, ресми мәтін емес."}


def test_the_orders_item_titles_are_labelled_as_kuzets_translation_in_each_language(as_user, lw):
    for login, page in (("leader", "/my/shifts"), ("dispatcher", "/dispatch")):
        client = as_user(login)
        for lang, note in NOTE.items():
            client.set_cookie("kuzet_locale", lang)
            html = client.get(page).get_data(as_text=True)
            assert f'lang="{lang}"' in html, (page, lang)
            assert note in html.replace("&#39;", "'"), (page, lang)
            assert all(other not in html for key, other in NOTE.items() if key != lang)
