"""GDAL copies a layer of 10^5 incidents through the API to the last one, following the next links.

GDAL's client for paged features is its OGC API Features driver (OAPIF): opened on a collection
description (``OAPIF_COLLECTION:``), it reads the ``rel=items`` link and then follows each page's
``rel=next`` link, as an OGC client does; its plain GeoJSON driver reads one document and follows
nothing. The description is the layer's entry of ``GET /api/v1/layers`` (``name``, ``title`` and the
``items`` link), served as is beside the app, since kuzet has no OGC collections yet.

The app is served by werkzeug on 127.0.0.1 over the module's rolled-back connection; ogr2ogr (Debian's
gdal-bin) signs in with the session cookie of an administrator.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import threading
import time
import urllib.request

import pyogrio
import pytest
from sqlalchemy import select
from werkzeug.serving import make_server

from geo.db.models import Incident

from tests.conftest import add_user, make_app, sign_in
from tests.support.many_incidents import ALMATY, insert_incidents

N = 100_000
PAGE = 10_000
DESCRIPTION = "/gdal/collection/incident"  # where the test serves the layer's catalogue entry
OGR2OGR = shutil.which("ogr2ogr")


def need_ogr2ogr() -> str:
    """ogr2ogr's path, else a skip (a failure under CI: `scripts/pg.sh ensure-packages --chromium`
    installs gdal-bin)."""
    if OGR2OGR is None:
        reason = "ogr2ogr not found (Debian gdal-bin; scripts/pg.sh ensure-packages --chromium)"
        if os.environ.get("CI", "").lower() in {"true", "1", "yes"}:
            pytest.fail(f"CI: {reason}", pytrace=False)
        pytest.skip(reason)
    return OGR2OGR


@pytest.fixture(scope="module")
def big_layer(module_session) -> list[int]:
    """10^5 incidents and an administrator in the module's transaction; the incidents' ids."""
    insert_incidents(module_session, N)
    add_user(module_session, "gdal-admin", ["admin"])
    module_session.commit()
    return list(module_session.scalars(select(Incident.id).order_by(Incident.id)))


class Served:
    """The app on a free port of 127.0.0.1, the layer's catalogue entry beside it, and every
    request's path and query."""

    def __init__(self, app):
        self.app, self.requests, self.description = app, [], b"{}"
        self.server = make_server("127.0.0.1", 0, self.wsgi)
        self.base = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def wsgi(self, environ, start_response):
        self.requests.append(environ["PATH_INFO"] + "?" + environ.get("QUERY_STRING", ""))
        if environ["PATH_INFO"] == DESCRIPTION:
            start_response("200 OK", [("Content-Type", "application/json")])
            return [self.description]
        return self.app(environ, start_response)


@pytest.fixture(scope="module")
def served(module_connection, big_layer):
    app = make_app(module_connection)
    cookie = sign_in(app.test_client(), "gdal-admin").get_cookie(app.config["SESSION_COOKIE_NAME"])
    s = Served(app)
    s.cookie = f"{cookie.key}={cookie.value}"
    s.thread.start()
    catalogue = urllib.request.Request(f"{s.base}/api/v1/layers", headers={"Cookie": s.cookie})
    with urllib.request.urlopen(catalogue, timeout=30) as r:
        [entry] = [layer for layer in json.load(r)["layers"] if layer["name"] == "incident"]
    s.description = json.dumps(entry).encode()
    yield s
    s.server.shutdown()
    s.thread.join(timeout=10)


def test_ogr2ogr_copies_every_incident_into_a_geopackage_through_the_next_links(served, big_layer, tmp_path):
    out = tmp_path / "incidents.gpkg"
    env = {**os.environ, "GDAL_HTTP_COOKIE": served.cookie, "GDAL_HTTP_TIMEOUT": "120"}
    began = time.perf_counter()
    done = subprocess.run([need_ogr2ogr(), "-f", "GPKG", str(out), f"OAPIF_COLLECTION:{served.base}{DESCRIPTION}",
                           "-oo", f"PAGE_SIZE={PAGE}", "-nln", "incident",
                           "-gt", "unlimited", "--config", "OGR_SQLITE_SYNCHRONOUS", "OFF"],  # one quick write
                          env=env, capture_output=True, text=True, timeout=600)
    took = time.perf_counter() - began
    assert done.returncode == 0, done.stderr[-2000:]
    assert pyogrio.read_info(out)["features"] == N
    copied = pyogrio.read_dataframe(out, columns=["id", "category", "occurred_at"])
    assert sorted(copied["id"]) == big_layer
    minx, miny, maxx, maxy = copied.total_bounds
    assert ALMATY[0] <= minx and ALMATY[1] <= miny and maxx <= ALMATY[2] and maxy <= ALMATY[3]
    pages = [r for r in served.requests if r.startswith("/api/v1/layers/incident?")]
    followed = [r for r in pages if "after=" in r]
    assert len(followed) >= N // PAGE - 1 and not any("offset=" in r for r in pages)
    print(f"ogr2ogr copied {N:,} incidents in {took:.1f} s over {len(pages)} page requests")


def test_after_analyze_the_estimate_is_near_the_count(served):
    request = urllib.request.Request(f"{served.base}/api/v1/layers/incident?limit=1",
                                     headers={"Cookie": served.cookie})
    with urllib.request.urlopen(request, timeout=30) as r:
        body = json.load(r)
        assert r.headers["Link"].startswith(f"<{served.base}/api/v1/layers/incident?after=")
    assert "numberMatched" not in body  # too many to count unasked
    assert abs(body["numberMatchedEstimate"] - N) < N * 0.05
