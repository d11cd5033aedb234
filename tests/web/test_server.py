"""Serving as production does: the pool's limits, 503 with Retry-After, the error page without the
database, and HTTPS behind a reverse proxy (ProxyFix, Secure cookie, HSTS)."""
from __future__ import annotations

import time

import pytest
from flask import session as flask_session
from sqlalchemy import event

from tests.conftest import TEST_URL, add_user, make_app, sign_in
from web import create_app
from web.db import engine_of
from web.errors import error_page
from web.server import gunicorn_options


@pytest.fixture
def tight_app(engine):  # the migrated test database
    """The app on its own real engine: one connection, no overflow, half a second's wait."""
    app = create_app({"TESTING": True, "DATABASE_URL": TEST_URL, "SECRET_KEY": "test", "WTF_CSRF_ENABLED": False,
                      "THREADS": 1, "MAX_OVERFLOW": 0, "POOL_TIMEOUT": 0.5, "RETRY_AFTER": 7})
    yield app
    engine_of(app).dispose()


def test_the_pool_matches_the_threads_and_the_settings_reach_postgresql(tight_app):
    engine = engine_of(tight_app)
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (1, 0, 0.5)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("SHOW statement_timeout").scalar() == "30s"
    options = gunicorn_options(create_app({"THREADS": 3}).extensions["kuzet"].server, "127.0.0.1", 5000, cores=2)
    assert (options["workers"], options["threads"], options["worker_class"]) == (5, 3, "gthread")
    assert options["accesslog"] == "-" and options["timeout"] > 30


@pytest.mark.parametrize("path, as_json", [("/", False), ("/api/v1/layers/district", True)])
def test_an_exhausted_pool_answers_503_with_retry_after_not_500(tight_app, path, as_json):
    client = tight_app.test_client()
    client.set_cookie("session", "a-session-id-the-store-must-be-asked-about")  # reading it needs the pool
    with engine_of(tight_app).connect():  # the pool's only connection, held
        started = time.monotonic()
        response = client.get(path)
        assert time.monotonic() - started < 3
    assert response.status_code == 503, response.data[:300]
    assert response.headers["Retry-After"] == "7"
    assert response.is_json == as_json
    assert b"try again in a few seconds" in response.data
    assert b"Traceback" not in response.data
    # The pool free again, the same request is answered (the unknown session: signed out).
    assert client.get(path).status_code in (302, 401)


def test_a_view_whose_database_times_out_answers_503(tight_app):
    client = tight_app.test_client()
    with engine_of(tight_app).connect():
        response = client.post("/login", data={"login": "nobody", "password": "x"}, headers={"Accept": "text/html"})
    assert response.status_code == 503 and response.headers["Retry-After"] == "7"
    assert response.mimetype == "text/html" and b"<h1>503</h1>" in response.data


def test_the_error_page_of_a_signed_in_user_needs_no_database(app, session):
    add_user(session, "disp", ["dispatcher"])
    cookie = sign_in(app.test_client(), "disp").get_cookie("session").value
    statements = []
    engine = session.get_bind().engine
    listener = lambda *args: statements.append(args[2])  # noqa: E731 - the statement's text
    with app.test_request_context("/nowhere", headers={"Cookie": f"session={cookie}"}):
        assert flask_session.get("_user_id")  # signed in (reading the session took its statement)
        event.listen(engine, "before_cursor_execute", listener)
        try:
            response = error_page(404, "not here")
        finally:
            event.remove(engine, "before_cursor_execute", listener)
    assert response.status_code == 404 and b"not here" in response.data
    assert statements == []  # no user loaded, no session written, no CSRF token made


def _signed_in(proxies: int, connection, session, **headers):
    app = make_app(connection, PROXY_FIX=proxies)
    add_user(session, "admin", ["admin"])
    client = app.test_client()
    response = client.post("/login", data={"login": "admin", "password": "a test password"}, headers=headers)
    assert response.status_code == 302
    return client, response


def test_behind_a_trusted_proxy_an_https_request_gets_a_secure_cookie_and_hsts(connection, session):
    client, response = _signed_in(1, connection, session, **{"X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert response.headers["Strict-Transport-Security"].startswith("max-age=")
    page = client.get("/", headers={"X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9"})
    assert page.status_code == 200 and "Strict-Transport-Security" in page.headers


@pytest.mark.parametrize("proxies, headers", [(0, {"X-Forwarded-Proto": "https"}), (1, {})])
def test_without_the_proxy_setting_or_over_http_no_secure_cookie_and_no_hsts(connection, session, proxies, headers):
    client, response = _signed_in(proxies, connection, session, **headers)
    assert "Secure" not in response.headers["Set-Cookie"]
    assert "Strict-Transport-Security" not in response.headers
    assert "Strict-Transport-Security" not in client.get("/", headers=headers).headers
