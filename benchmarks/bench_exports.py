"""GeoPackage exports of 10^5 and 10^6 incidents: time, the Python heap's peak, and GDAL's count.

    .venv/bin/python benchmarks/bench_exports.py --database postgresql+psycopg://kuzet@127.0.0.1:5435/kuzet_bench \\
        [--sizes 100000 1000000] [--chunk-rows 20000]

The incidents are added in one transaction that is rolled back at the end, so the database keeps
what it held (it must be migrated). For each size: ``services.layer_gpkg`` of the incident layer
(chunks read by id, appended by pyogrio), its wall time, the process's peak resident memory so far,
the file's size, and ``ogrinfo``'s feature count (must equal the rows stored). ``--heap`` runs it
again under ``tracemalloc`` for the peak of Python's heap (the chunks, not the whole layer; slow).
"""
from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlalchemy.orm import Session

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.access import SYSTEM  # noqa: E402
from geo.db.models import Incident  # noqa: E402
from geo.services.exports import layer_gpkg  # noqa: E402
from tests.support.many_incidents import insert_incidents  # noqa: E402


def feature_count(path: Path) -> int:
    out = subprocess.run(["ogrinfo", "-ro", "-so", str(path), "incident"], capture_output=True, text=True,
                         check=True).stdout
    return int(next(line for line in out.splitlines() if line.startswith("Feature Count:")).split(":")[1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--database", required=True)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--chunk-rows", type=int, default=20_000)
    parser.add_argument("--heap", action="store_true", help="also measure Python's heap peak (tracemalloc)")
    args = parser.parse_args()
    engine = create_engine(args.database)
    with engine.connect() as connection:
        transaction = connection.begin()
        session = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            had = 0
            for n in sorted(args.sizes):
                insert_incidents(session, n - had)
                had = n
                stored = session.scalar(select(func.count()).select_from(Incident))
                with tempfile.TemporaryDirectory() as directory:
                    started = time.perf_counter()
                    made = layer_gpkg(session, "incident", viewer=SYSTEM, directory=Path(directory),
                                      chunk_rows=args.chunk_rows)
                    seconds = time.perf_counter() - started
                    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
                    print(f"{stored:>9,} incidents: {seconds:6.1f} s, {stored / seconds:8,.0f} rows/s, "
                          f"peak RSS {rss:6.0f} MB, file {made.path.stat().st_size / 2**20:6.1f} MB, "
                          f"ogrinfo counts {feature_count(made.path):,}", flush=True)
                if args.heap:
                    with tempfile.TemporaryDirectory() as directory:
                        tracemalloc.start()
                        layer_gpkg(session, "incident", viewer=SYSTEM, directory=Path(directory),
                                   chunk_rows=args.chunk_rows)
                        _, peak = tracemalloc.get_traced_memory()
                        tracemalloc.stop()
                        print(f"{'':>9}  Python heap peak {peak / 2**20:6.1f} MB", flush=True)
        finally:
            session.close()
            transaction.rollback()
    engine.dispose()


if __name__ == "__main__":
    main()
