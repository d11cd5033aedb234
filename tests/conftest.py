"""Fixtures over a real PostGIS: a migrated test database, rolled-back sessions, the app."""
from __future__ import annotations

import os
from pathlib import Path

import pytest
from flask.testing import FlaskClient
from sqlalchemy import text
from sqlalchemy.orm import Session, sessionmaker

from geo.db import make_engine, migrate

# The suite reads and writes English (the source language) unless a test asks for another locale;
# every app and CLI process a test starts reads this (KUZET_LOCALE), whatever the shell exported.
os.environ["KUZET_LOCALE"] = "en"

ROOT = Path(__file__).resolve().parents[1]
TEST_URL = os.environ.get("KUZET_TEST_DATABASE_URL", "postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet_test")
SHARED_DATA = Path(os.environ.get("KUZET_SHARED_DATA", ROOT.parent / "shared" / "data"))


def reset_schema(engine) -> None:
    """An empty public schema, then the migrations: every run starts from the same database."""
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
        conn.execute(text("CREATE SCHEMA public"))
    migrate.upgrade(engine.url.render_as_string(hide_password=False))


@pytest.fixture(scope="session")
def engine():
    engine = make_engine(TEST_URL)
    try:
        with engine.connect():
            pass
    except Exception as exc:  # the database must be there; `make test` starts it
        pytest.exit(f"test database {TEST_URL} is not reachable ({exc}); run the tests with `make test`",
                    returncode=3)
    reset_schema(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def module_connection(engine):
    """A connection in a transaction that lasts the module and is rolled back at its end.

    A world built once per module lives here (through ``module_session``); each test gets this
    connection inside a SAVEPOINT of its own (see ``connection``).
    """
    with engine.connect() as conn:
        outer = conn.begin()
        yield conn
        outer.rollback()


@pytest.fixture(scope="module")
def module_session(module_connection) -> Session:
    """A session on the module's connection, to build a module's world once (then commit it)."""
    with Session(bind=module_connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
        yield s


@pytest.fixture
def connection(module_connection):
    """The module's connection inside a SAVEPOINT of this test's own, rolled back after the test.

    Every test of a module runs on the one connection: a world built once per module (a fixture on
    ``module_session``) is seen by each test, no test ever sees another's writes, and no test waits
    on the module's uncommitted rows from a second connection.
    """
    savepoint = module_connection.begin_nested()
    yield module_connection
    if savepoint.is_active:
        savepoint.rollback()


@pytest.fixture
def session(connection) -> Session:
    """A session whose commits become savepoints of the test's rolled-back transaction."""
    with Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False) as s:
        yield s


TEST_PASSWORD = "a test password"
# One PBKDF2 round: tests store many accounts and need no strength (production keeps scrypt, and
# check_password_hash reads the method from the stored hash, so signing in works the same).
TEST_HASH_METHOD = "pbkdf2:sha256:1"


class WholeAnswerClient(FlaskClient):
    """Flask's test client reading every answer whole and closing it, as a WSGI server does: a
    streamed body (a layer page) releases its session then, before the next request opens another
    savepoint on the test's connection. ``buffered=False`` still reads a stream chunk by chunk."""

    def open(self, *args, buffered: bool = True, **kwargs):
        return super().open(*args, buffered=buffered, **kwargs)


def make_app(connection, **config):
    """The app on the test's rolled-back connection (CSRF off unless a test turns it on)."""
    from web import create_app

    factory = sessionmaker(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    app = create_app({"TESTING": True, "SESSIONMAKER": factory, "DATABASE_URL": TEST_URL,
                      "WTF_CSRF_ENABLED": False, "SECRET_KEY": "test", "LOCALE": "en",
                      "PASSWORD_HASH_METHOD": TEST_HASH_METHOD, **config})
    app.test_client_class = WholeAnswerClient
    return app


@pytest.fixture
def app(connection):
    return make_app(connection)


def add_user(session, login: str, roles, **links) -> int:
    """A stored user with TEST_PASSWORD (created as the system would, cheaply hashed)."""
    from geo.access import SYSTEM
    from geo.services.accounts import create_user

    return create_user(session, SYSTEM, login=login, full_name=login.title(), password=TEST_PASSWORD,
                       roles=list(roles), hash_method=TEST_HASH_METHOD, **links)


def sign_in(client, login: str):
    response = client.post("/login", data={"login": login, "password": TEST_PASSWORD})
    assert response.status_code == 302, response.data[:500]
    return client


@pytest.fixture
def anonymous(app):
    """A client that has not signed in."""
    return app.test_client()


@pytest.fixture
def client(app, session):
    """A client signed in as an administrator (every role)."""
    add_user(session, "admin", ["admin"])
    session.commit()
    return sign_in(app.test_client(), "admin")


def need_data(path: Path) -> Path:
    """``path`` of the real data, else a skip; under CI (``CI=true``) a failure, so a checkout without
    the data cannot pass green by skipping."""
    if not path.exists():
        reason = f"real data not found at {path} (../shared/data beside the project, or KUZET_SHARED_DATA)"
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(f"CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return path


@pytest.fixture(scope="session")
def shared_data() -> Path:
    return need_data(SHARED_DATA)
