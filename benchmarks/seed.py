"""A database of its own with n synthetic clustered incidents, for the scale benchmarks.

    .venv/bin/python benchmarks/seed.py --n 1000000 [--seed 1] [--server postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet]

``seed_incidents`` creates ``kuzet_bench_<n>_<seed>`` on the server of the given URL (with postgis and
btree_gist), migrates it and fills it server-side with one ``INSERT ... SELECT generate_series``:
twelve Gaussian clusters over Almaty plus a uniform background, three years of times
leaning to the evening, eight categories, a tenth of the reports with a weight and a twentieth sharing an
external id with another (so de-duplication has something to do). A database already seeded with
the same n and seed is reused as it is.
"""
from __future__ import annotations

import argparse
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo
import time

from sqlalchemy import text
from sqlalchemy.engine import make_url

from geo.db import make_engine, migrate

ALMATY = (76.82, 43.18, 77.05, 43.33)  # lon/lat box the incidents fall in
CLUSTERS = 12
SEED_SQL = text("""
WITH centre AS (
    SELECT c, :minx + random() * (:maxx - :minx) AS lon, :miny + random() * (:maxy - :miny) AS lat,
           0.002 + random() * 0.01 AS spread
    FROM generate_series(0, :clusters - 1) AS c
), draw AS (
    SELECT g, random() AS u1, random() AS u2, random() AS pick, random() AS t, random() AS h,
           random() AS kind, (g % :clusters) AS c
    FROM generate_series(1, :n) AS g
)
INSERT INTO incident (occurred_at, category, source, external_id, weight, geom)
SELECT timestamptz '2023-01-01 00:00+06' + floor(d.t * 1095) * interval '1 day'
           + (10 + 14 * sqrt(d.h)) * interval '1 hour',
       (ARRAY['theft', 'burglary', 'robbery', 'assault', 'drugs', 'vandalism', 'fraud', 'traffic'])
           [1 + (d.kind * 8)::int % 8],
       CASE WHEN d.g % 7 = 0 THEN 'police-record' ELSE 'synthetic-demo' END,
       CASE WHEN d.g % 20 = 0 THEN 'ext-' || (d.g - 1) ELSE 'ext-' || d.g END,
       CASE WHEN d.g % 10 = 0 THEN round((d.kind * 5)::numeric, 1)::float8 END,
       ST_SetSRID(ST_MakePoint(
           CASE WHEN d.pick < 0.2 THEN :minx + d.u1 * (:maxx - :minx)
                ELSE ce.lon + ce.spread * sqrt(-2 * ln(greatest(d.u1, 1e-12))) * cos(2 * pi() * d.u2) END,
           CASE WHEN d.pick < 0.2 THEN :miny + d.u2 * (:maxy - :miny)
                ELSE ce.lat + ce.spread * sqrt(-2 * ln(greatest(d.u1, 1e-12))) * sin(2 * pi() * d.u2) END),
           4326)
FROM draw d JOIN centre ce USING (c)
""")


def fill(conn, n: int, seed: int) -> None:
    """Insert ``n`` seeded incidents (``SEED_SQL``) on ``conn``."""
    conn.execute(text("SELECT setseed(:s)"), {"s": (seed % 1000) / 1000})
    minx, miny, maxx, maxy = ALMATY
    conn.execute(SEED_SQL, {"n": n, "clusters": CLUSTERS, "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy})


PLAN_NOW = datetime(2025, 12, 30, 12, 0, tzinfo=ZoneInfo("Asia/Almaty"))  # the seeded times end on 2025-12-31


def seed_with_demo(database_url: str, n: int, *, seed: int = 1, data_dir: Path) -> str:
    """Like :func:`seed_incidents`, into ``kuzet_bench_plan_<n>_<seed>``, but over the Almaty demo
    (its units, formations, officers, zones and places, loaded as of ``PLAN_NOW``) with the demo's
    own incidents replaced by the ``n`` seeded ones: a city to plan a shift in."""
    from sqlalchemy.orm import Session

    from geo.demo import demo_loaded, load_demo

    url = make_url(database_url).set(database=f"kuzet_bench_plan_{n}_{seed}").render_as_string(hide_password=False)
    engine = _migrated(database_url, url)
    with Session(engine) as session:
        if not demo_loaded(session):
            load_demo(session, data_dir, now=PLAN_NOW)
            session.commit()
    with engine.begin() as conn:
        have = conn.execute(text("SELECT count(*) FROM incident WHERE external_id LIKE 'ext-%'")).scalar_one()
        total = conn.execute(text("SELECT count(*) FROM incident")).scalar_one()
        if have != n or total != n:
            conn.execute(text("DELETE FROM incident"))
            fill(conn, n, seed)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE incident"))
    engine.dispose()
    return url


def _migrated(server_url: str, url: str):
    """The database of ``url`` created on ``server_url``'s server if missing, with postgis and
    btree_gist, migrated; an engine on it."""
    name = make_url(url).database
    admin = make_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))  # a name of letters, digits and _, built by the callers
    admin.dispose()
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        conn.execute(text("CREATE EXTENSION IF NOT EXISTS btree_gist"))
    migrate.upgrade(url)
    return engine


def bench_url(server_url: str, n: int, seed: int, *, prefix: str = "kuzet_bench") -> str:
    """The URL of the benchmark database for ``n`` incidents and ``seed`` on ``server_url``'s server."""
    if not prefix.replace("_", "").isalnum():
        raise ValueError(f"a database prefix is letters, digits and _, not {prefix!r}")
    return make_url(server_url).set(database=f"{prefix}_{n}_{seed}").render_as_string(hide_password=False)


def seed_incidents(database_url: str, n: int, *, seed: int = 1, prefix: str = "kuzet_bench") -> str:
    """Create (if missing), migrate and fill the benchmark database for ``n`` incidents; its URL.

    ``database_url`` names the server (any database on it); the benchmark database is
    ``<prefix>_<n>_<seed>``, reused when it already holds exactly ``n`` incidents.
    """
    url = bench_url(database_url, n, seed, prefix=prefix)
    engine = _migrated(database_url, url)
    with engine.begin() as conn:
        have = conn.execute(text("SELECT count(*) FROM incident")).scalar_one()
        if have != n:
            conn.execute(text("TRUNCATE incident CASCADE"))
            fill(conn, n, seed)
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE incident"))
    engine.dispose()
    return url


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--server", default="postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet")
    args = parser.parse_args()
    began = time.perf_counter()
    url = seed_incidents(args.server, args.n, seed=args.seed)
    print(f"{url}: {args.n:,} incidents in {time.perf_counter() - began:.1f} s")


if __name__ == "__main__":
    main()
