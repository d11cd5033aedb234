"""Signing in and out, server-side sessions, CSRF on every change, failed sign-ins slowed down."""
from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

from click.testing import CliRunner
from sqlalchemy import func, select

from geo.db.models import LoginAttempt, WebSession
from tests.conftest import TEST_PASSWORD, add_user, make_app, sign_in


def test_without_signing_in_pages_redirect_to_login_and_the_api_answers_401(anonymous):
    page = anonymous.get("/dispatch")
    assert page.status_code == 302 and "/login" in page.headers["Location"]
    api = anonymous.get("/api/v1/layers/district")
    assert api.status_code == 401 and api.is_json
    assert anonymous.get("/login").status_code == 200
    assert anonymous.get("/api/v1/openapi.json").status_code == 200  # the document is public


def test_a_session_lives_on_the_server_and_ends_at_logout(app, session):
    add_user(session, "disp", ["dispatcher"])
    client = sign_in(app.test_client(), "disp")
    cookie = client.get_cookie("session")
    assert re.fullmatch(r"[A-Za-z0-9_-]{40,}", cookie.value)  # an opaque id, no data in the cookie
    assert session.scalar(select(func.count()).select_from(WebSession).where(WebSession.id == cookie.value)) == 1
    assert client.get("/dispatch").status_code == 200
    client.post("/logout")
    assert client.get("/dispatch").status_code == 302
    assert session.scalar(select(func.count()).select_from(WebSession).where(WebSession.id == cookie.value)) == 0


def test_a_wrong_password_is_refused_without_saying_which_part_was_wrong(anonymous, session):
    add_user(session, "disp", ["dispatcher"])
    for login in ("disp", "nobody"):
        r = anonymous.post("/login", data={"login": login, "password": "not the password"})
        assert r.status_code == 401 and b"Wrong login or password." in r.data


def test_failed_logins_delay_that_login_and_say_when_to_try_again(connection, session):
    app = make_app(connection, LOGIN_FREE_FAILURES=3)
    add_user(session, "disp", ["dispatcher"])
    add_user(session, "ana", ["analyst"])
    client = app.test_client()
    for _ in range(3):
        assert client.post("/login", data={"login": "disp", "password": "guess"}).status_code == 401
    r = client.post("/login", data={"login": "disp", "password": TEST_PASSWORD})
    assert r.status_code == 429
    assert re.search(rb"Too many failed logins for this login\. Try again in 1 minute \(at \d\d:\d\d\)\.", r.data)
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    sign_in(app.test_client(), "ana")  # the same address signs in another login with its right password


def test_an_address_past_its_ceiling_gets_429_for_wrong_passwords_and_signs_in_with_right_ones(connection, session):
    app = make_app(connection, LOGIN_ADDRESS_MAX_FAILURES=2)
    add_user(session, "ana", ["analyst"])
    client = app.test_client()
    for login in ("guess1", "guess2"):
        assert client.post("/login", data={"login": login, "password": "guess"}).status_code == 401
    r = client.post("/login", data={"login": "guess3", "password": "guess"})
    assert r.status_code == 429 and b"Too many failed logins from your address. Try again in 15 minutes" in r.data
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 3  # that failure counts too
    sign_in(client, "ana")


def test_showing_the_login_page_never_counts_as_a_failed_login(connection, session):
    app = make_app(connection, LOGIN_FREE_FAILURES=1)
    add_user(session, "disp", ["dispatcher"])
    client = app.test_client()
    for _ in range(5):
        assert client.head("/login").status_code == 200
        assert client.get("/login").status_code == 200
        assert client.head("/login?next=/dispatch").status_code == 200
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == 0
    sign_in(client, "disp")


def test_kuzet_user_list_shows_locked_logins_until_when(connection, session):
    app = make_app(connection, LOGIN_FREE_FAILURES=2)
    add_user(session, "disp", ["dispatcher"])
    add_user(session, "ana", ["analyst"])
    for _ in range(2):
        app.test_client().post("/login", data={"login": "disp", "password": "guess"})
    out = app.test_cli_runner().invoke(args=["user", "list"])
    assert out.exit_code == 0, out.output
    lines = {line.split()[0]: line for line in out.output.splitlines()}
    assert re.search(r"\(locked from 127\.0\.0\.1 until \d\d:\d\d\)$", lines["disp"])
    assert "locked" not in lines["ana"]


def test_a_change_without_csrf_token_is_refused_and_with_the_page_token_it_passes(connection, session):
    app = make_app(connection, WTF_CSRF_ENABLED=True)
    add_user(session, "disp", ["dispatcher"])
    client = app.test_client()
    page = client.get("/login")
    token = re.search(rb'name="csrf_token" value="([^"]+)"', page.data).group(1).decode()
    assert client.post("/login", data={"login": "disp", "password": TEST_PASSWORD}).status_code == 400
    assert client.post("/login", data={"login": "disp", "password": TEST_PASSWORD,
                                       "csrf_token": token}).status_code == 302
    body = {"formation_id": 1}
    refused = client.post("/api/v1/assignments", json=body)
    assert refused.status_code == 400 and "CSRF" in refused.get_json()["error"]
    meta = re.search(rb'name="csrf-token" content="([^"]+)"', client.get("/dispatch").data).group(1).decode()
    passed = client.post("/api/v1/assignments", json=body, headers={"X-CSRFToken": meta})
    assert passed.status_code != 400 or "CSRF" not in passed.get_json()["error"]
    assert client.post("/logout").status_code == 400  # signing out is a change too


def test_the_cli_creates_users_and_resets_passwords(engine):
    from sqlalchemy import text

    from web.cli import main

    url = engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    try:
        out = runner.invoke(main, ["--database-url", url, "user", "create", "cli.user", "--full-name", "CLI User",
                                   "--role", "analyst"], input="long enough pw\nlong enough pw\n")
        assert out.exit_code == 0, out.output
        out = runner.invoke(main, ["--database-url", url, "user", "create", "cli.user", "--full-name", "Again",
                                   "--role", "analyst"], input="long enough pw\nlong enough pw\n")
        assert out.exit_code == 1 and "is taken" in out.output
        out = runner.invoke(main, ["--database-url", url, "user", "reset-password", "cli.user"],
                            input="another long pw\nanother long pw\n")
        assert out.exit_code == 0, out.output
        assert "cli.user" in runner.invoke(main, ["--database-url", url, "user", "list"]).output
    finally:
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM user_account WHERE login = 'cli.user'"))


def an_expired_and_a_live_session(session) -> set[str]:
    """Two stored web sessions, one a minute past its expiry, one with an hour to go; their ids."""
    now = datetime.now(timezone.utc)
    session.add_all([WebSession(id="expired-session", data={}, expires_at=now - timedelta(minutes=1)),
                     WebSession(id="live-session", data={}, expires_at=now + timedelta(hours=1))])
    session.commit()
    return {"expired-session", "live-session"}


def remaining(session, ids: set[str]) -> set[str]:
    return set(session.scalars(select(WebSession.id).where(WebSession.id.in_(ids))))


def test_kuzet_db_prune_deletes_expired_sessions_and_keeps_live_ones(app, session):
    ids = an_expired_and_a_live_session(session)
    out = app.test_cli_runner().invoke(args=["db", "prune"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[0] == "1 expired web session deleted"
    assert remaining(session, ids) == {"live-session"}


def test_kuzet_db_prune_forgets_sign_in_records_no_rule_reads_any_more(app, session):
    now = datetime.now(timezone.utc)
    session.add_all([LoginAttempt(login="old", remote_addr="10.0.0.1", succeeded=False, at=now - timedelta(hours=2)),
                     LoginAttempt(login="new", remote_addr="10.0.0.1", succeeded=False, at=now - timedelta(minutes=5))])
    session.commit()
    out = app.test_cli_runner().invoke(args=["db", "prune"])
    assert out.exit_code == 0, out.output
    assert out.output.splitlines()[1] == "1 old sign-in record deleted"
    assert set(session.scalars(select(LoginAttempt.login).where(LoginAttempt.login.in_(["old", "new"])))) == {"new"}


def test_signing_in_deletes_expired_sessions_and_keeps_live_ones(app, session):
    add_user(session, "disp", ["dispatcher"])
    ids = an_expired_and_a_live_session(session)
    sign_in(app.test_client(), "disp")
    assert remaining(session, ids) == {"live-session"}


def test_the_cli_hashes_passwords_with_the_configured_method(app, session):
    from geo.db.models import UserAccount

    out = app.test_cli_runner().invoke(args=["user", "create", "cheap.user", "--full-name", "Cheap User",
                                             "--role", "analyst"], input="long enough pw\nlong enough pw\n")
    assert out.exit_code == 0, out.output
    stored = session.scalars(select(UserAccount.password_hash).where(UserAccount.login == "cheap.user")).one()
    assert stored.startswith(app.config["PASSWORD_HASH_METHOD"] + "$") and not stored.startswith("scrypt")
    from web.config import DEFAULTS

    assert DEFAULTS["PASSWORD_HASH_METHOD"] == "scrypt"  # what a served app uses
