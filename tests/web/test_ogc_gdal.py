"""GDAL's OGC API Features driver (Debian gdal-bin's ogrinfo and ogr2ogr, a client no one here wrote)
reads /ogc with a personal API token sent as ``Authorization: Bearer`` (``GDAL_HTTP_HEADERS``).

``OAPIF:<landing page>`` makes GDAL read the landing page, the conformance classes, the API definition
and the collections, then each collection's items through their ``next`` links. The app is served by
werkzeug on 127.0.0.1 over the module's rolled-back connection; no cookie is ever sent.
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import threading

import pyogrio
import pytest
from sqlalchemy import func, select
from werkzeug.serving import make_server

from geo.db.models import Formation, Incident, PatrolZone
from geo.services import api_tokens
from geo.services.accounts import principal_of

from tests.conftest import add_user, make_app
from tests.support.leader_world import build_leader_world
from tests.support.many_incidents import ALMATY, insert_incidents

N = 2_500
OGRINFO, OGR2OGR = shutil.which("ogrinfo"), shutil.which("ogr2ogr")


def need(tool: str | None, name: str) -> str:
    if tool is None:
        reason = f"{name} not found (Debian gdal-bin)"
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(f"CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return tool


@pytest.fixture(scope="module")
def world(module_session):
    """Incidents, the leader world, and a token each for an administrator and a leader."""
    insert_incidents(module_session, N)
    lw = build_leader_world(module_session, tag="gdal")
    admin = principal_of(module_session, add_user(module_session, "ogc-gdal-admin", ["admin"]))
    tokens = {"admin": api_tokens.create_token(module_session, admin, name="ogrinfo").secret,
              "leader": api_tokens.create_token(module_session, lw.leader, name="qgis").secret}
    module_session.commit()
    return lw, tokens


class Served:
    """The app on a free port of 127.0.0.1, recording each request's path, query and headers."""

    def __init__(self, app):
        self.app, self.requests = app, []
        self.server = make_server("127.0.0.1", 0, self.wsgi)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wsgi(self, environ, start_response):
        self.requests.append((environ["PATH_INFO"] + "?" + environ.get("QUERY_STRING", ""),
                              environ.get("HTTP_AUTHORIZATION", ""), environ.get("HTTP_COOKIE")))
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def served(module_connection, world):
    s = Served(make_app(module_connection))
    s.thread.start()
    yield s
    s.server.shutdown()
    s.thread.join(timeout=10)


def gdal(tool: str, served: Served, token: str, *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "GDAL_HTTP_HEADERS": f"Authorization: Bearer {token}", "GDAL_HTTP_TIMEOUT": "60",
           "CPL_VSIL_CURL_USE_CACHE": "NO"}
    done = subprocess.run([tool, *args], env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout[-1000:] + done.stderr[-2000:]
    return done


def layer_names(ogrinfo_output: str) -> set[str]:
    return set(re.findall(r"^\d+: (\w+)", ogrinfo_output, flags=re.M))


def test_ogrinfo_lists_the_collections_and_counts_every_incident(served, world, module_session):
    _lw, tokens = world
    tool = need(OGRINFO, "ogrinfo")
    served.requests.clear()
    listed = gdal(tool, served, tokens["admin"], "-ro", "-q", f"OAPIF:{served.base}/ogc")
    assert {"incident", "district", "formation", "patrol_zone", "field_report"} <= layer_names(listed.stdout)
    summary = gdal(tool, served, tokens["admin"], "-ro", "-so", f"OAPIF:{served.base}/ogc", "incident").stdout
    stored = module_session.scalar(select(func.count()).select_from(Incident))
    assert f"Feature Count: {stored}" in summary and stored == N
    assert "category: String" in summary
    extent = re.search(r"Extent: \(([-\d.]+), ([-\d.]+)\) - \(([-\d.]+), ([-\d.]+)\)", summary)
    minx, miny, maxx, maxy = (float(v) for v in extent.groups())  # from the collection's extent
    assert ALMATY[0] - 0.01 <= minx < maxx <= ALMATY[2] + 0.01 and ALMATY[1] - 0.01 <= miny < maxy <= ALMATY[3] + 0.01
    pages = [p for p, _a, _c in served.requests if "/items" in p and "after=" in p]
    assert not pages  # the count came from numberMatched, not from reading every page
    assert all(auth == f"Bearer {tokens['admin']}" and cookie is None for _path, auth, cookie in served.requests)


def test_ogr2ogr_copies_every_incident_into_a_geopackage(served, world, module_session, tmp_path):
    _lw, tokens = world
    out = tmp_path / "incident.gpkg"
    served.requests.clear()
    gdal(need(OGR2OGR, "ogr2ogr"), served, tokens["admin"], "-f", "GPKG", str(out), f"OAPIF:{served.base}/ogc",
         "incident", "-oo", "PAGE_SIZE=1000")
    stored = sorted(module_session.scalars(select(Incident.id)))
    copied = pyogrio.read_dataframe(out, columns=["id", "category"])
    assert len(copied) == N and sorted(copied["id"]) == stored
    followed = [p for p, _a, _c in served.requests if p.startswith("/ogc/collections/incident/items?") and "after=" in p]
    assert len(followed) >= N // 1000  # the pages were read through the next links


def test_a_leaders_token_copies_only_the_leaders_rows(served, world, module_session, tmp_path):
    lw, tokens = world
    listed = gdal(need(OGRINFO, "ogrinfo"), served, tokens["leader"], "-ro", "-q", f"OAPIF:{served.base}/ogc")
    assert "incident" not in layer_names(listed.stdout) and "formation" in layer_names(listed.stdout)
    for layer, model in (("formation", Formation), ("patrol_zone", PatrolZone)):
        out = tmp_path / f"{layer}.gpkg"
        gdal(need(OGR2OGR, "ogr2ogr"), served, tokens["leader"], "-f", "GPKG", str(out),
             f"OAPIF:{served.base}/ogc", layer)
        copied = set(pyogrio.read_dataframe(out, columns=["id"])["id"])
        every = set(module_session.scalars(select(model.id)))
        assert copied and copied < every, layer
    assert set(pyogrio.read_dataframe(tmp_path / "formation.gpkg", columns=["id"])["id"]) == {lw.world.formation}


def test_a_revoked_token_is_refused_with_a_clear_message(served, world, module_session):
    lw, _tokens = world
    token = api_tokens.create_token(module_session, lw.leader, name="short-lived")
    module_session.commit()
    api_tokens.revoke_token(module_session, lw.leader, token.id)
    module_session.commit()
    env = {**os.environ, "GDAL_HTTP_HEADERS": f"Authorization: Bearer {token.secret}"}
    done = subprocess.run([need(OGRINFO, "ogrinfo"), "-ro", "-q", f"OAPIF:{served.base}/ogc"], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode != 0 and "401" in done.stderr
