"""The bbox GeoJSON API at depth: one page at the start and at the end of 10^5 and 10^6 incidents.

    .venv/bin/python benchmarks/bench_api.py --database postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet_bench \\
        [--sizes 100000 1000000] [--limit 1000] [--repeats 5]

The database given is migrated and its incidents are REPLACED by n synthetic ones for each size
(``seed_incidents``; it is reused when it already holds exactly n); a benchmark account is added.
The app is served by werkzeug on 127.0.0.1 in this process and read over HTTP (``page_times``), as a
client reads it: the first page, a page in the middle and the last page, each reached by its cursor
(``after``, what the next links carry). The baselines, measured in the same run: the same last page
by ``offset``, and the previous implementation's work for it (a count of every match, ``OFFSET``,
a GeoDataFrame, geopandas' ``to_json``: ``services.layer_features`` + ``web.geojson.feature_collection``,
in process, so without HTTP). Best of ``--repeats``. Target: a page at any depth under 300 ms at 10^6.
"""
from __future__ import annotations

import argparse
import json
import logging
import secrets
import sys
import threading
import time
import urllib.request
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo import services  # noqa: E402
from geo.access import SYSTEM  # noqa: E402
from geo.db import make_engine, migrate  # noqa: E402
from geo.db.models import Incident, UserAccount  # noqa: E402
from geo.services.accounts import create_user, reset_password  # noqa: E402
from tests.support.many_incidents import insert_incidents  # noqa: E402

LOGIN = "bench-api"
BBOX = "76.87,43.20,77.00,43.29"  # central Almaty, as bench_load.py reads it


def seed_incidents(database_url: str, n: int, *, seed: int = 1) -> str:
    """Migrate ``database_url`` and make its incident table hold exactly ``n`` synthetic incidents
    (replacing any others; deterministic, so ``seed`` changes nothing here); then VACUUM ANALYZE."""
    del seed  # the rows are a low-discrepancy sequence: the same for every seed
    migrate.upgrade(database_url)
    engine = make_engine(database_url)
    with Session(engine) as session:
        if session.scalar(select(func.count()).select_from(Incident)) != n:
            session.execute(text("TRUNCATE incident CASCADE"))
            insert_incidents(session, n)
            session.commit()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE incident"))
    engine.dispose()
    return database_url


def _reader(base_url_or_app, cookie: str):
    """A function reading a path whole: over HTTP from a base URL, or through a Flask app's test client."""
    if isinstance(base_url_or_app, str):
        def over_http(path: str) -> bytes:
            request = urllib.request.Request(base_url_or_app + path, headers={"Cookie": cookie})
            with urllib.request.urlopen(request, timeout=120) as r:
                return r.read()
        return over_http
    client = base_url_or_app.test_client()
    return lambda path: client.get(path, headers={"Cookie": cookie}).get_data()


def page_times(base_url_or_app, *, cookie: str, queries: dict[str, str], repeats: int = 5) -> dict[str, dict]:
    """For each named query string of ``queries``: the best of ``repeats`` seconds to read the whole
    page of ``/api/v1/layers/incident?<query>``, with its features and size; from a base URL over
    HTTP, or from a Flask app in process (its test client)."""
    read = _reader(base_url_or_app, cookie)
    out = {}
    for name, query in queries.items():
        best, body = float("inf"), b""
        for _ in range(repeats):
            began = time.perf_counter()
            body = read(f"/api/v1/layers/incident?{query}")
            best = min(best, time.perf_counter() - began)
        page = json.loads(body)
        out[name] = {"seconds": best, "features": page["numberReturned"], "bytes": len(body)}
    return out


def old_path_time(session: Session, *, limit: int, offset: int, bbox: str | None, repeats: int) -> float:
    """Best of ``repeats`` seconds of the previous page implementation: count, OFFSET, GeoDataFrame, to_json."""
    from web.geojson import feature_collection

    best = float("inf")
    for _ in range(repeats):
        began = time.perf_counter()
        page = services.layer_features(session, "incident", viewer=SYSTEM, bbox=bbox, limit=limit, offset=offset)
        json.dumps(feature_collection(page.frame, numberMatched=page.matched, numberReturned=len(page.frame)),
                   ensure_ascii=False, default=str)
        best = min(best, time.perf_counter() - began)
    return best


def _cursor(session: Session, position: int, bbox: str | None = None) -> int:
    """The ``after`` that starts a page at ``position`` (0-based) of the id order."""
    stmt = select(Incident.id).order_by(Incident.id)
    if bbox is not None:
        stmt = stmt.where(Incident.geom.intersects(func.ST_MakeEnvelope(*map(float, bbox.split(",")), 4326)))
    return 0 if position == 0 else session.scalar(stmt.offset(position - 1).limit(1))


def _signed_in(app, session: Session) -> str:
    """A session cookie of the benchmark account (made on first use)."""
    password = secrets.token_urlsafe(16)
    if session.scalar(select(UserAccount.id).where(UserAccount.login == LOGIN)) is None:
        create_user(session, SYSTEM, login=LOGIN, full_name="API benchmark", password=password, roles=["admin"])
    else:
        reset_password(session, SYSTEM, login=LOGIN, password=password)
    session.commit()
    client = app.test_client()
    assert client.post("/login", data={"login": LOGIN, "password": password}).status_code == 302
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    return f"{cookie.key}={cookie.value}"


def run(database_url: str, n: int, *, limit: int, repeats: int) -> list[tuple]:
    from web import create_app

    seed_incidents(database_url, n)
    app = create_app({"DATABASE_URL": database_url, "WTF_CSRF_ENABLED": False,
                      "SECRET_KEY": secrets.token_hex(16)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    engine = make_engine(database_url)
    rows = []
    try:
        with Session(engine) as session:
            cookie = _signed_in(app, session)
            inside = session.scalar(select(func.count()).select_from(Incident).where(
                Incident.geom.intersects(func.ST_MakeEnvelope(*map(float, BBOX.split(",")), 4326))))
            queries = {
                "first page": f"limit={limit}",
                "middle page (after)": f"limit={limit}&after={_cursor(session, n // 2)}",
                "last page (after)": f"limit={limit}&after={_cursor(session, n - limit)}",
                "last page (offset)": f"limit={limit}&offset={n - limit}",
                "first page, count=true": f"limit={limit}&count=true",
                "bbox first page": f"limit={limit}&bbox={BBOX}",
                "bbox last page (after)": f"limit={limit}&bbox={BBOX}&after={_cursor(session, inside - limit, BBOX)}",
                "10,000 features, last (after)": f"limit=10000&after={_cursor(session, n - 10_000)}",
            }
            times = page_times(base, cookie=cookie, queries=queries, repeats=repeats)
            old_last = old_path_time(session, limit=limit, offset=n - limit, bbox=None, repeats=repeats)
            old_first = old_path_time(session, limit=limit, offset=0, bbox=None, repeats=repeats)
            new_last = times["last page (after)"]["seconds"]
            for name, t in times.items():
                rows.append((n, name, t["seconds"], t["features"], t["bytes"], ""))
            rows.append((n, "previous code, first page (in process)", old_first, limit, 0, ""))
            rows.append((n, "previous code, last page (in process)", old_last, limit, 0,
                         f"{old_last / new_last:.0f}x the cursor's"))
    finally:
        server.shutdown()
        engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="a database whose incidents may be replaced")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--limit", type=int, default=1000)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no line per request
    print("| incidents | page | time | features | bytes | note |\n|---|---|---|---|---|---|")
    for n in args.sizes:
        for n_, name, seconds, features, size, note in run(args.database, n, limit=args.limit, repeats=args.repeats):
            print(f"| {n_:,} | {name} | {seconds * 1000:.0f} ms | {features:,} | {size:,} | {note} |")


if __name__ == "__main__":
    main()
