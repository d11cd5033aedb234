"""Import speed: kuzet's validated COPY import against GeoPandas ``to_postgis`` in the same run.

Run by hand (not part of the tests), against a migrated database of your choice::

    .venv/bin/python benchmarks/bench_import.py [--url postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet_bench]

Both sides read the same San Francisco CSV (13,472 rows) and write it in one transaction that is
rolled back. kuzet also validates every row (types, dates, closed sets, geometry) before COPY;
``to_postgis`` only inserts (pandas ``to_sql``, executemany through GeoAlchemy2).
"""
from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import geopandas as gpd
import pandas as pd
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.db import make_engine, migrate
from geo.ingest.mapping import Mapping
from geo.ingest.validate import Extent

ROOT = Path(__file__).resolve().parents[1]
CSV = Path(os.environ.get("KUZET_SHARED_DATA", ROOT.parent / "shared" / "data")) / \
    "sf_crime_2012" / "sf_crime_jul_dec_2012_points.csv"
MAPPING = Mapping(fields={"occurred_at": "Date", "category": "Category", "description": "Descript",
                          "external_id": "IncidntNum"}, timezone="America/Los_Angeles")

SAN_FRANCISCO = Extent.parse("-122.6,37.6,-122.3,37.9")  # whatever districts the database holds


def kuzet_import(engine) -> tuple[float, int]:
    with engine.connect() as conn:
        tx = conn.begin()
        start = time.perf_counter()
        result = services.import_layer(Session(bind=conn), "incident", CSV, actor=SYSTEM, mapping=MAPPING,
                                       extent=SAN_FRANCISCO)
        seconds = time.perf_counter() - start
        tx.rollback()
    return seconds, result.rows


def geopandas_import(engine) -> tuple[float, int]:
    with engine.connect() as conn:
        tx = conn.begin()
        start = time.perf_counter()
        table = pd.read_csv(CSV)
        frame = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table.lon, table.lat), crs=4326)
        frame.to_postgis("bench_incident_to_postgis", conn, if_exists="replace", index=False)
        seconds = time.perf_counter() - start
        tx.rollback()
    return seconds, len(frame)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default=os.environ.get("KUZET_BENCH_DATABASE_URL",
                                                        "postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet_test"))
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    engine = make_engine(args.url)
    migrate.upgrade(args.url)
    kuzet_import(engine)  # warm caches (file, catalogue, connection)
    ours = min(kuzet_import(engine)[0] for _ in range(args.repeat))
    peer = min(geopandas_import(engine)[0] for _ in range(args.repeat))
    rows = 13472
    print(f"kuzet import (validate + COPY): {ours:.2f} s, {rows / ours:,.0f} rows/s")
    print(f"geopandas to_postgis (insert only): {peer:.2f} s, {rows / peer:,.0f} rows/s")
    print(f"ratio (to_postgis time / kuzet time): {peer / ours:.2f}x")


if __name__ == "__main__":
    main()
