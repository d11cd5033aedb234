"""Import speed and memory: ``kuzet import`` against a raw COPY of the same rows into the same table,
GeoPandas ``to_postgis`` and batched ORM inserts, side by side in one run.

Run by hand (not part of the tests), against a database of its own (migrated by the script)::

    KUZET_PG_PORT=5435 scripts/pg.sh createdb kuzet_bench_import
    .venv/bin/python benchmarks/bench_import.py --url postgresql+psycopg://kuzet@127.0.0.1:5435/kuzet_bench_import \\
        [--rows 100000 1000000] [--orm-rows 10000]

The rows are synthetic and seeded: incidents at random points of Almaty, ISO local times of 2026,
one of eight categories, a source and a unique external id, written to a CSV in a temporary
folder. Each measure runs in a subprocess of its own (after a VACUUM of the table, so none meets the
rows another rolled back), timed inside it around the work alone (its modules imported first) and
its peak RSS read from the kernel (``VmHWM`` of ``/proc/self/status``); each writes in a transaction it
rolls back, so every one meets the same table (its GiST index, CHECKs and key index):

* kuzet: ``geo.services.import_layer`` of the CSV, as ``kuzet import`` runs it (chunks of the
  default size read, validated and COPYed; the extent is checked);
* raw COPY: psycopg ``COPY incident (...) FROM STDIN (FORMAT csv)`` of a CSV of the same rows as
  stored (times with their offset, the point as hex EWKB; made beforehand, not timed), fed as the
  file's bytes, as ``psql \\copy`` would;
* GeoPandas: ``read_csv`` + ``points_from_xy`` + ``to_datetime`` + ``to_postgis`` into a table it
  creates (no validation);
* ORM: SQLAlchemy ``session.add_all`` of ``Incident`` objects flushed 1,000 at a time, on
  ``--orm-rows`` rows (its rate is per row, so a smaller sample suffices).

``import_rate(database_url, n)`` runs the kuzet measure alone, for other scripts.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
SEED = 12
ALMATY = (76.80, 43.15, 77.05, 43.35)  # lon/lat box the points fall in; also the import's --extent
CATEGORIES = ("theft", "robbery", "assault", "fraud", "vandalism", "traffic", "drugs", "disorder")
STORED = ("occurred_at", "category", "description", "source", "external_id", "geom", "import_id")


def synthetic_csv(path: Path, n: int, *, seed: int = SEED) -> Path:
    """``n`` incident rows (seeded): lon, lat, occurred_at (ISO, local), category, description, source, external_id."""
    rng = np.random.default_rng(seed)
    start = np.datetime64("2026-01-01T00:00:00")
    times = start + rng.integers(0, 365 * 24 * 3600, n).astype("timedelta64[s]")
    table = pd.DataFrame({
        "lon": np.round(rng.uniform(ALMATY[0], ALMATY[2], n), 6),
        "lat": np.round(rng.uniform(ALMATY[1], ALMATY[3], n), 6),
        "occurred_at": np.datetime_as_string(times, unit="s"),
        "category": np.asarray(CATEGORIES)[rng.integers(0, len(CATEGORIES), n)],
        "description": np.char.add("report ", rng.integers(0, 10_000, n).astype(str)),
        "source": "police-record",
        "external_id": np.char.add("B-", np.arange(n).astype(str)),
    })
    table.to_csv(path, index=False)
    return path


def stored_csv(source: Path, path: Path) -> Path:
    """The rows of ``source`` as the incident table stores them, for a raw COPY (no header)."""
    import shapely

    table = pd.read_csv(source, dtype=str)
    local = pd.to_datetime(table["occurred_at"]).dt.tz_localize("Asia/Almaty")
    points = shapely.points(table["lon"].astype(float), table["lat"].astype(float))
    out = pd.DataFrame({"occurred_at": local.map(pd.Timestamp.isoformat), "category": table["category"],
                        "description": table["description"], "source": table["source"],
                        "external_id": table["external_id"],
                        "geom": shapely.to_wkb(shapely.set_srid(points, 4326), hex=True, include_srid=True),
                        "import_id": "IMPORT_ID"})
    out.to_csv(path, index=False, header=False)
    return path


# --- the measures, each run in a child process: ``bench_import.py measure KIND URL FILE`` ------------

def _kuzet(url: str, csv: Path) -> int:
    from sqlalchemy.orm import Session

    from geo import services
    from geo.access import SYSTEM
    from geo.db import make_engine
    from geo.ingest.validate import Extent

    engine = make_engine(url)
    with engine.connect() as conn:
        tx = conn.begin()
        result = services.import_layer(Session(bind=conn), "incident", csv, actor=SYSTEM, again=True,
                                       extent=Extent(*ALMATY))
        tx.rollback()
    return result.rows


def _raw_copy(url: str, csv: Path) -> int:
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as conn:
        with conn.cursor() as cur:
            batch = cur.execute("INSERT INTO import_batch (layer, source_name, row_count) "
                                "VALUES ('incident', 'raw', 0) RETURNING id").fetchone()[0]
            marker, batch_id = b"IMPORT_ID", str(batch).encode()
            with cur.copy(f"COPY incident ({', '.join(STORED)}) FROM STDIN (FORMAT csv)") as copy, \
                    csv.open("rb") as f:
                for lines in iter(lambda: f.readlines(1 << 20), []):  # whole lines, about 1 MB at a time
                    copy.write(b"".join(lines).replace(marker, batch_id))
            rows = cur.execute("SELECT count(*) FROM incident").fetchone()[0]
        conn.rollback()
    return rows


def _geopandas(url: str, csv: Path) -> int:
    import geopandas as gpd
    from sqlalchemy import create_engine

    engine = create_engine(url)
    with engine.connect() as conn:
        tx = conn.begin()
        table = pd.read_csv(csv)
        frame = gpd.GeoDataFrame(table.drop(columns=["lon", "lat"]),
                                 geometry=gpd.points_from_xy(table.lon, table.lat), crs=4326)
        frame["occurred_at"] = pd.to_datetime(frame["occurred_at"]).dt.tz_localize("Asia/Almaty")
        frame.to_postgis("bench_incident_to_postgis", conn, if_exists="replace", index=False)
        tx.rollback()
    return len(frame)


def _orm(url: str, csv: Path) -> int:
    from geoalchemy2.shape import from_shape
    from shapely.geometry import Point
    from sqlalchemy.orm import Session

    from geo.db import make_engine
    from geo.db.models import ImportBatch, Incident

    engine = make_engine(url)
    table = pd.read_csv(csv, dtype=str)
    with engine.connect() as conn:
        tx = conn.begin()
        session = Session(bind=conn)
        batch = ImportBatch(layer="incident", source_name="orm", row_count=0)
        session.add(batch)
        session.flush()
        rows = table.to_dict("records")
        for start in range(0, len(rows), 1000):
            session.add_all(Incident(occurred_at=pd.Timestamp(r["occurred_at"]).tz_localize("Asia/Almaty"),
                                     category=r["category"], description=r["description"], source=r["source"],
                                     external_id=r["external_id"], import_id=batch.id,
                                     geom=from_shape(Point(float(r["lon"]), float(r["lat"])), srid=4326))
                            for r in rows[start:start + 1000])
            session.flush()
        tx.rollback()
    return len(rows)


MEASURES = {"kuzet": _kuzet, "raw_copy": _raw_copy, "geopandas": _geopandas, "orm": _orm}


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: since its exec, unlike ru_maxrss, which counts the
    forked parent's pages too)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmHWM in /proc/self/status")


# Modules each measure loads, imported before its clock starts (the work is timed, not Python's start).
WARM = {"kuzet": ("geo.services.layers.imports", "geo.ingest.validate", "geo.db.layer_writes"),
        "raw_copy": ("psycopg",), "geopandas": ("geopandas", "sqlalchemy"),
        "orm": ("geo.db.models", "geoalchemy2.shape", "sqlalchemy.orm")}


def _measure_in_child(kind: str, url: str, csv: Path) -> None:
    import importlib

    for module in WARM[kind]:
        importlib.import_module(module)
    start = time.perf_counter()
    rows = MEASURES[kind](url, csv)
    print(json.dumps({"rows": rows, "seconds": time.perf_counter() - start, "peak_rss_mb": _peak_rss_mb()}))


def _vacuum(url: str) -> None:
    """Clear the rows earlier measures rolled back, so that each meets the table and indexes alike."""
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql"), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE incident")
        conn.execute("VACUUM ANALYZE import_batch")


def measure(kind: str, url: str, csv: Path) -> dict:
    """Run one measure in a subprocess: rows, seconds (the work alone), rows/s, peak RSS in MB."""
    _vacuum(url)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")])}
    child = subprocess.Popen([sys.executable, __file__, "measure", kind, url, str(csv)], stdout=subprocess.PIPE,
                             env=env, text=True)
    out, _ = child.communicate()
    if child.returncode:
        raise RuntimeError(f"{kind} failed (exit {child.returncode})")
    result = json.loads(out.strip().splitlines()[-1])
    return result | {"kind": kind, "rows_per_s": result["rows"] / result["seconds"]}


def _migrated(url: str) -> None:
    from geo.db import migrate

    migrate.upgrade(url)


def import_rate(database_url: str, n: int, *, seed: int = SEED) -> dict:
    """``kuzet import`` of ``n`` synthetic rows (seeded) in a subprocess: rows, seconds, rows/s, peak RSS (MB)."""
    _migrated(database_url)
    with tempfile.TemporaryDirectory(prefix="kuzet-bench-import-") as folder:
        csv = synthetic_csv(Path(folder) / f"incidents_{n}.csv", n, seed=seed)
        return measure("kuzet", database_url, csv)


def compare(url: str, n: int, orm_rows: int, folder: Path) -> list[dict]:
    """Every measure on ``n`` rows (the ORM on ``orm_rows`` of them); prints and returns the results."""
    csv = synthetic_csv(folder / f"incidents_{n}.csv", n)
    raw = stored_csv(csv, folder / f"stored_{n}.csv")
    orm_csv = folder / f"incidents_{n}_orm.csv"
    pd.read_csv(csv, dtype=str, nrows=orm_rows).to_csv(orm_csv, index=False)
    print(f"\n{n:,} rows (ORM: {orm_rows:,})", flush=True)
    results = []
    for kind, path in (("kuzet", csv), ("raw_copy", raw), ("geopandas", csv), ("orm", orm_csv)):
        r = measure(kind, url, path)
        results.append(r)
        print(f"  {r['kind']:<10} {r['rows']:>9,} rows {r['seconds']:8.2f} s {r['rows_per_s']:>10,.0f} rows/s "
              f"peak RSS {r['peak_rss_mb']:7.0f} MB", flush=True)
    ours, copy, orm = results[0]["rows_per_s"], results[1]["rows_per_s"], results[3]["rows_per_s"]
    print(f"  kuzet / raw COPY {ours / copy:.2f}x (target >= 0.7), kuzet / to_postgis "
          f"{ours / results[2]['rows_per_s']:.2f}x, kuzet / ORM {ours / orm:.1f}x (target >= 20), "
          f"kuzet peak {results[0]['peak_rss_mb']:.0f} MB (target < 400 at 10^6)")
    return results


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "measure":
        _measure_in_child(sys.argv[2], sys.argv[3], Path(sys.argv[4]))
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get(
        "KUZET_BENCH_DATABASE_URL", "postgresql+psycopg://kuzet@127.0.0.1:5435/kuzet_bench_import"))
    parser.add_argument("--rows", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--orm-rows", type=int, default=10_000)
    args = parser.parse_args()
    _migrated(args.url)
    with tempfile.TemporaryDirectory(prefix="kuzet-bench-import-") as folder:
        for n in args.rows:
            compare(args.url, n, min(args.orm_rows, n), Path(folder))


if __name__ == "__main__":
    main()
