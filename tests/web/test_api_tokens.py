"""Personal API tokens: made and revoked by their user (page and CLI), stored hashed, sent as
``Authorization: Bearer``; a token acts as its user, never more; CSRF stays for cookie sessions."""
from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select, update

from geo.db.models import ApiToken, UserAccount
from geo.services import api_tokens
from geo.services.accounts import principal_of

from tests.conftest import TEST_PASSWORD, add_user, make_app, sign_in
from tests.support.leader_world import build_leader_world


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def csrf_of(page: bytes) -> str:
    return re.search(rb'name="csrf_token" value="([^"]+)"', page).group(1).decode()


def test_a_user_makes_a_token_on_the_page_sees_it_once_and_revokes_it(connection, session):
    app = make_app(connection, WTF_CSRF_ENABLED=True)
    add_user(session, "ana", ["analyst"])
    session.commit()
    browser = app.test_client()
    login = browser.get("/login")
    browser.post("/login", data={"login": "ana", "password": TEST_PASSWORD, "csrf_token": csrf_of(login.data)})
    page = browser.get("/account/tokens")
    assert page.status_code == 200 and b"No tokens yet." in page.data
    assert b"Authorization: Bearer &lt;token&gt;" in page.data  # the header's text, escaped
    assert browser.post("/account/tokens", data={"name": "QGIS"}).status_code == 400  # no CSRF token: refused
    made = browser.post("/account/tokens", data={"name": "QGIS", "days": "30", "csrf_token": csrf_of(page.data)})
    assert made.status_code == 201
    secret = re.search(rb'<code class="token-secret">(kzt_[\w-]+)</code>', made.data).group(1).decode()
    [row] = session.scalars(select(ApiToken).where(ApiToken.name == "QGIS"))
    assert row.secret_sha256 == hashlib.sha256(secret.encode()).hexdigest() and secret not in str(row.__dict__)
    assert timedelta(days=29) < row.expires_at - datetime.now(timezone.utc) <= timedelta(days=30)
    again = browser.get("/account/tokens")
    assert secret.encode() not in again.data and b"QGIS" in again.data  # shown once only

    api = app.test_client(use_cookies=False)
    r = api.get("/api/v1/layers", headers=bearer(secret))
    assert r.status_code == 200 and "incident" in {layer["name"] for layer in r.get_json()["layers"]}
    session.refresh(row)
    assert row.last_used_at is not None
    assert browser.post(f"/account/tokens/{row.id}/revoke", data={"csrf_token": csrf_of(again.data)}).status_code == 302
    refused = api.get("/ogc/collections", headers=bearer(secret))
    assert refused.status_code == 401 and refused.get_json()["description"] == "this API token was revoked"
    assert refused.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.fixture
def users(session):
    lw = build_leader_world(session, tag="tok")  # the leader's login: "leadertok"
    admin = add_user(session, "tok.admin", ["admin"])
    session.commit()
    return lw.leader, principal_of(session, admin)


@pytest.mark.parametrize("path", ["/ogc/collections", "/api/v1/layers", "/tiles/district/0/0/0.pbf"])
def test_an_unknown_or_expired_token_is_a_json_401_everywhere_it_is_accepted(app, session, users, path):
    leader, _admin = users
    token = api_tokens.create_token(session, leader, name="old", expires_at=datetime.now(timezone.utc)
                                    + timedelta(days=1))
    session.execute(update(ApiToken).where(ApiToken.id == token.id)
                    .values(created_at=datetime.now(timezone.utc) - timedelta(days=3),
                            expires_at=datetime.now(timezone.utc) - timedelta(days=1)))
    session.commit()
    client = app.test_client(use_cookies=False)
    for secret, message in ((token.secret, "this API token has expired"), ("kzt_nothing", "unknown API token"),
                            ("garbage", "unknown API token")):
        r = client.get(path, headers=bearer(secret))
        assert r.status_code == 401 and r.get_json()["error"] == message, (path, secret)


def test_a_token_acts_as_its_user_never_more(app, session, users):
    leader, _admin = users
    secret = api_tokens.create_token(session, leader, name="phone").secret
    session.commit()
    client = app.test_client(use_cookies=False)
    assert client.get("/api/v1/layers/incident", headers=bearer(secret)).status_code == 403
    assert client.get("/ogc/collections/incident/items", headers=bearer(secret)).status_code == 403
    # a disabled account's tokens stop at once
    session.execute(update(UserAccount).where(UserAccount.id == leader.user_id).values(active=False))
    session.commit()
    r = client.get("/ogc/collections", headers=bearer(secret))
    assert r.status_code == 401 and "disabled" in r.get_json()["error"]


def test_a_bearer_request_needs_no_csrf_token_but_a_cookie_request_does(connection, session, users):
    _leader, admin = users
    app = make_app(connection, WTF_CSRF_ENABLED=True)
    secret = api_tokens.create_token(session, admin, name="script").secret
    session.commit()
    body = {"name": "Zone T", "geometry": {"type": "Point", "coordinates": [76.9, 43.2]}}
    by_token = app.test_client(use_cookies=False).post("/api/v1/patrol_zones", json=body, headers=bearer(secret))
    assert by_token.status_code in {400, 422} and "CSRF" not in by_token.get_data(as_text=True)  # the body is judged
    cookie = sign_in(make_app(connection).test_client(), "tok.admin")
    strict = app.test_client()
    strict.set_cookie(app.config["SESSION_COOKIE_NAME"],
                      cookie.get_cookie(app.config["SESSION_COOKIE_NAME"]).value)
    refused = strict.post("/api/v1/patrol_zones", json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_data(as_text=True)


def test_a_token_beside_a_session_cookie_decides_who_asks(app, session, users):
    leader, _admin = users
    secret = api_tokens.create_token(session, leader, name="x").secret
    session.commit()
    browser = sign_in(app.test_client(), "tok.admin")
    assert browser.get("/api/v1/layers/incident").status_code == 200
    assert browser.get("/api/v1/layers/incident", headers=bearer(secret)).status_code == 403


def test_bad_names_and_expiries_are_refused(session, users):
    leader, _admin = users
    from geo.errors import InvalidInput
    for kwargs in ({"name": ""}, {"name": "x" * 101},
                   {"name": "ok", "expires_at": datetime.now(timezone.utc) - timedelta(minutes=1)},
                   {"name": "ok", "expires_at": datetime(2030, 1, 1)}):
        with pytest.raises(InvalidInput):
            api_tokens.create_token(session, leader, **kwargs)


def test_another_users_token_cannot_be_revoked(session, users):
    leader, admin = users
    token = api_tokens.create_token(session, admin, name="mine")
    from geo.errors import NotFound
    with pytest.raises(NotFound):
        api_tokens.revoke_token(session, leader, token.id)


def test_kuzet_token_create_list_revoke(app, session, users):
    runner = app.test_cli_runner()
    made = runner.invoke(args=["token", "create", "leadertok", "--name", "ogr2ogr", "--days", "7"])
    assert made.exit_code == 0, made.output
    secret = re.search(r"kzt_[\w-]+", made.output).group(0)
    assert api_tokens.principal_for_token(session, secret).login == "leadertok"
    listed = runner.invoke(args=["token", "list", "leadertok"])
    assert listed.exit_code == 0 and "ogr2ogr" in listed.output and "live" in listed.output
    assert secret not in listed.output
    token_id = int(listed.output.split()[0])
    assert runner.invoke(args=["token", "revoke", "leadertok", str(token_id)]).exit_code == 0
    assert "revoked" in runner.invoke(args=["token", "list", "leadertok"]).output
    assert runner.invoke(args=["token", "create", "nobody", "--name", "x"]).exit_code != 0


def test_kuzet_token_list_names_the_state_in_the_readers_language(app, session, users):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["token", "create", "leadertok", "--name", "qgis"]).exit_code == 0
    russian = {"KUZET_LOCALE": "ru", "LC_ALL": "", "LC_MESSAGES": "", "LANG": ""}
    listed = runner.invoke(args=["token", "list", "leadertok"], env=russian)
    assert listed.exit_code == 0 and "qgis" in listed.output
    assert "действует" in listed.output and "live" not in listed.output, listed.output
    token_id = int(listed.output.split()[0])
    assert runner.invoke(args=["token", "revoke", "leadertok", str(token_id)]).exit_code == 0
    revoked = runner.invoke(args=["token", "list", "leadertok"], env=russian).output
    assert "отозван" in revoked and "revoked" not in revoked, revoked
