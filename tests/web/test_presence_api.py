"""The presence API: consent, check-in/out, positions only from one's own session, during the shift,
at a plausible speed; positions never shown to another formation."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from geo.db.models import AuditLog, LocationConsent, PresencePosition

from tests.conftest import sign_in
from tests.support.presence_world import build_presence_world

AT = (76.925, 43.245)  # inside the world's patrol zone


@pytest.fixture
def pw(session):
    built = build_presence_world(session, tag="pres")
    session.commit()
    return built


def client_of(app, login):
    return sign_in(app.test_client(), login)


def _stored(session, assignment_id):
    return session.scalar(select(func.count()).select_from(PresencePosition)
                          .where(PresencePosition.assignment_id == assignment_id))


def _iso(seconds: float = 0) -> str:
    return (datetime.now(timezone.utc) + timedelta(seconds=seconds)).isoformat()


def _post(c, assignment_id, lon, lat, seconds, **extra):
    return c.post(f"/api/v1/assignments/{assignment_id}/positions",
                  json={"lon": lon, "lat": lat, "accuracy_m": 8, "at": _iso(seconds), **extra})


def test_without_consent_only_the_check_in_is_stored(app, session, pw):
    c = client_of(app, "leaderpres")
    assert c.get("/api/v1/my/consent").get_json()["given"] is False
    r = c.post(f"/api/v1/assignments/{pw.now_shift}/check-in")
    assert r.status_code == 200 and r.get_json()["tracking"] is False and r.get_json()["checked_in_at"]
    r = _post(c, pw.now_shift, *AT, 5)
    assert r.status_code == 422
    assert "presence-consent" in {v["code"] for v in r.get_json()["violations"]}
    assert _stored(session, pw.now_shift) == 0
    assert c.post(f"/api/v1/assignments/{pw.now_shift}/check-in").status_code == 409  # once


def test_with_consent_a_walk_is_stored_and_a_5_km_jump_in_a_minute_is_refused(app, session, pw):
    c = client_of(app, "leaderpres")
    r = c.post("/api/v1/my/consent", json={"given": True})
    assert r.status_code == 200 and r.get_json()["given"] is True
    consent = session.scalar(select(LocationConsent).where(LocationConsent.participant_id == pw.lw.world.adult))
    assert consent.given and consent.retention_days == 30 and consent.recorded_by == pw.lw.leader.user_id
    assert c.post(f"/api/v1/assignments/{pw.now_shift}/check-in").get_json()["tracking"] is True
    assert _post(c, pw.now_shift, *AT, 1).status_code == 201
    assert _post(c, pw.now_shift, AT[0] + 0.0005, AT[1], 61).status_code == 201  # 40 m in a minute
    jump = _post(c, pw.now_shift, AT[0] + 0.062, AT[1], 100)  # about 5 km 39 s later
    assert jump.status_code == 422
    assert [v["code"] for v in jump.get_json()["violations"]] == ["presence-speed"]
    assert _stored(session, pw.now_shift) == 2
    d = c.get(f"/api/v1/assignments/{pw.now_shift}/presence").get_json()
    assert len(d["positions"]) == 2 and d["dosage"]["positions"] == 2 and d["dosage"]["visits"] == 1
    assert d["dosage"]["route_share"] is None and d["dosage"]["has_route"] is False


def test_positions_outside_the_shift_before_check_in_after_stop_or_check_out_are_refused(app, session, pw):
    c = client_of(app, "leaderpres")
    c.post("/api/v1/my/consent", json={"given": True})
    before = _post(c, pw.now_shift, *AT, 0)
    assert before.status_code == 422 and "presence-checked-in" in {v["code"] for v in before.get_json()["violations"]}
    c.post(f"/api/v1/assignments/{pw.now_shift}/check-in")
    late = _post(c, pw.now_shift, *AT, 6 * 3600)  # past the shift's end and grace (and the clock)
    assert late.status_code == 422 and "presence-shift-window" in {v["code"] for v in late.get_json()["violations"]}
    assert c.post(f"/api/v1/assignments/{pw.now_shift}/tracking", json={"on": False}).get_json()["tracking"] is False
    stopped = _post(c, pw.now_shift, *AT, 2)
    assert stopped.status_code == 422
    assert c.post(f"/api/v1/assignments/{pw.now_shift}/tracking", json={"on": True}).get_json()["tracking"] is True
    assert _post(c, pw.now_shift, *AT, 3).status_code == 201
    out = c.post(f"/api/v1/assignments/{pw.now_shift}/check-out")
    assert out.status_code == 200 and out.get_json()["tracking"] is False and out.get_json()["checked_out_at"]
    after = _post(c, pw.now_shift, *AT, 60)
    assert after.status_code == 422 and "presence-checked-in" in {v["code"] for v in after.get_json()["violations"]}
    assert _stored(session, pw.now_shift) == 1
    actions = set(session.scalars(select(AuditLog.action).where(AuditLog.entity_id == pw.now_shift)))
    assert {"check-in", "check-out"} <= actions


def test_positions_come_only_from_the_participants_own_session(app, session, pw):
    c = client_of(app, "leaderpres")
    c.post("/api/v1/my/consent", json={"given": True})
    c.post(f"/api/v1/assignments/{pw.now_shift}/check-in")
    other = _post(c, pw.now_shift, *AT, 1, participant_id=pw.lw.world.minor)
    assert other.status_code == 422 and [v["code"] for v in other.get_json()["violations"]] == ["presence-own-session"]
    # another formation's leader cannot send on, check in on, or read this shift: it does not exist for them
    o = client_of(app, "other.leaderpres")
    o.post("/api/v1/my/consent", json={"given": True})
    assert o.post(f"/api/v1/assignments/{pw.now_shift}/check-in").status_code == 404
    assert _post(o, pw.now_shift, *AT, 1).status_code == 404
    assert o.get(f"/api/v1/assignments/{pw.now_shift}/presence").status_code == 404
    # a dispatcher has no participant to send as
    assert _post(client_of(app, "dispatcherpres"), pw.now_shift, *AT, 1).status_code == 403
    assert _stored(session, pw.now_shift) == 0


def test_who_sees_positions_and_who_only_the_dosage(app, session, pw):
    c = client_of(app, "leaderpres")
    c.post("/api/v1/my/consent", json={"given": True})
    c.post(f"/api/v1/assignments/{pw.now_shift}/check-in")
    assert _post(c, pw.now_shift, *AT, 1).status_code == 201
    url = f"/api/v1/assignments/{pw.now_shift}/presence"
    for login in ("dispatcherpres", "supervisorpres", "leaderpres"):
        body = client_of(app, login).get(url).get_json()
        assert len(body["positions"]) == 1, login
    analyst = client_of(app, "analystpres").get(url).get_json()
    assert analyst["positions"] is None and analyst["dosage"]["positions"] == 1
    assert client_of(app, "other.supervisorpres").get(url).status_code == 404  # not their unit's


@pytest.mark.parametrize("body", [{"lon": "east", "lat": 43.2, "accuracy_m": 5, "at": "2026-01-01T10:00:00+05:00"},
                                  {"lon": 76.9, "lat": 43.2}, {"lon": 200, "lat": 43.2, "accuracy_m": 5,
                                                               "at": "2026-01-01T10:00:00+05:00"}])
def test_a_malformed_position_is_a_clear_400(app, session, pw, body):
    c = client_of(app, "leaderpres")
    r = c.post(f"/api/v1/assignments/{pw.now_shift}/positions", json=body)
    assert r.status_code == 400 and r.get_json()["message"]
    assert _stored(session, pw.now_shift) == 0


def test_consent_needs_a_yes_or_no(app, pw):
    r = client_of(app, "leaderpres").post("/api/v1/my/consent", json={"given": "yes"})
    assert r.status_code == 400


def test_withdrawing_consent_stops_sending(app, session, pw):
    c = client_of(app, "leaderpres")
    c.post("/api/v1/my/consent", json={"given": True})
    c.post(f"/api/v1/assignments/{pw.now_shift}/check-in")
    c.post("/api/v1/my/consent", json={"given": False})
    r = _post(c, pw.now_shift, *AT, 1)
    assert r.status_code == 422 and "presence-consent" in {v["code"] for v in r.get_json()["violations"]}
    assert c.post(f"/api/v1/assignments/{pw.now_shift}/tracking", json={"on": True}).status_code == 409


def test_the_phone_page_shows_the_consent_statement_and_the_check_in(app, pw):
    page = client_of(app, "leaderpres").get("/my/shifts")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert 'id="location-consent"' in html and f'data-assignment="{pw.now_shift}"' in html
    assert "30 days" in html and "never another formation" in html
