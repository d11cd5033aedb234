"""PostgreSQL stopped and started under a running server: 503 with Retry-After while it is down
(never a 500, never a hang), 200 again once it is back, with no restart of the app.

The cluster is a throwaway one of this test's own (initdb into a temporary folder, a free loopback
port; as root it runs as the ``postgres`` user, as scripts/pg.sh does); no other cluster is touched.
"""
from __future__ import annotations

import http.cookiejar
import json
import os
import shutil
import socket
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from werkzeug.serving import make_server

from geo.access import SYSTEM
from geo.db import make_engine, make_sessionmaker, migrate
from geo.services.accounts import create_user

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_USER = "postgres"
PASSWORD = "a fault test password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """A PostgreSQL cluster in a temporary folder, on a free port of 127.0.0.1."""

    def __init__(self) -> None:
        self.base = Path(tempfile.mkdtemp(prefix="kuzet-fault-pg-"))
        self.data = self.base / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        if self.as_root:
            shutil.chown(self.base, PG_USER, PG_USER)

    def run(self, *args: str) -> None:
        command = [str(PG_BIN / args[0]), *args[1:]]
        if self.as_root:
            command = ["runuser", "-u", PG_USER, "--", *command]
        subprocess.run(command, check=True, cwd="/", capture_output=True, timeout=60)

    def init(self) -> None:
        self.run("initdb", "-D", str(self.data), "-U", "kuzet", "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8")

    def start(self) -> None:
        options = (f"-c port={self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='{self.base}' "
                   "-c fsync=off -c full_page_writes=off")
        self.run("pg_ctl", "start", "-D", str(self.data), "-w", "-t", "30", "-l", str(self.base / "log"),
                 "-o", options)

    def stop(self) -> None:
        self.run("pg_ctl", "stop", "-D", str(self.data), "-m", "fast", "-w", "-t", "30")

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://kuzet@127.0.0.1:{self.port}/{database}"

    def remove(self) -> None:
        if (self.data / "postmaster.pid").exists():
            self.stop()
        shutil.rmtree(self.base, ignore_errors=True)


@pytest.fixture(scope="module")
def cluster():
    if not (PG_BIN / "initdb").exists():
        pytest.skip(f"PostgreSQL 15 is not installed ({PG_BIN}); run scripts/pg.sh ensure-packages")
    cluster = Cluster()
    try:
        cluster.init()
        cluster.start()
        admin = create_engine(cluster.url("postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text("CREATE DATABASE kuzet_fault"))
        admin.dispose()
        engine = make_engine(cluster.url("kuzet_fault"))
        with engine.begin() as conn:
            conn.execute(text("CREATE EXTENSION postgis"))
            conn.execute(text("CREATE EXTENSION btree_gist"))
        migrate.upgrade(cluster.url("kuzet_fault"))
        with make_sessionmaker(engine)() as session:
            create_user(session, SYSTEM, login="admin", full_name="Admin", password=PASSWORD, roles=["admin"],
                        hash_method="pbkdf2:sha256:1")
            session.commit()
        engine.dispose()
        yield cluster
    finally:
        cluster.remove()


@pytest.fixture(scope="module")
def server(cluster):
    """The app served by a real threaded HTTP server on a free loopback port, against the cluster."""
    from web import create_app

    app = create_app({"DATABASE_URL": cluster.url("kuzet_fault"), "SECRET_KEY": "fault test",
                      "WTF_CSRF_ENABLED": False, "POOL_TIMEOUT": 1, "CONNECT_TIMEOUT": 2, "RETRY_AFTER": 3})
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    app.extensions["kuzet_engine"].dispose()


def get(opener, url: str) -> tuple[int, dict, bytes]:
    try:
        with opener.open(url, timeout=15) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read()


def test_postgresql_stopped_and_started_under_a_running_server(cluster, server):
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))
    form = urllib.parse.urlencode({"login": "admin", "password": PASSWORD}).encode()
    assert opener.open(f"{server}/login", data=form, timeout=30).status == 200  # signed in, on the map
    api = f"{server}/api/v1/layers/district"
    status, _, body = get(opener, api)
    assert status == 200 and json.loads(body)["type"] == "FeatureCollection"

    cluster.stop()
    for url in (api, f"{server}/", f"{server}/dispatch"):
        started = time.monotonic()
        status, headers, body = get(opener, url)
        assert status == 503, (url, status, body[:300])
        assert headers["Retry-After"] == "3"
        assert time.monotonic() - started < 10
        assert b"Traceback" not in body

    cluster.start()
    status, _, body = get(opener, api)  # the same app: its pool drops the dead connections (pre-ping)
    assert status == 200 and json.loads(body)["type"] == "FeatureCollection"
    assert get(opener, f"{server}/dispatch")[0] == 200
