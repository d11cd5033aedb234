"""Reading a time column: kuzet's strict reading (geo.ingest.times) against pandas alone, same run.

    .venv/bin/python benchmarks/bench_dates.py [--rows 1000000] [--repeat 3]

ISO: a year of second-resolution local times in ISO 8601, read by ``read_times`` (strict ISO check on
code-point arrays, DST overlaps and gaps resolved per policy) against ``pd.to_datetime(format=
"ISO8601")`` + ``tz_localize`` (which accepts slashes and leaves DST hours NaT). Export: a real export's
column (days 1-12 ``%Y/%d/%m``, days 13-31 ``%m/%d/%Y %I:%M:%S %p``) read with both formats against
two plain ``pd.to_datetime(format=...)`` passes. Both sides end in a list of Python datetimes, as
validation hands on. Prints seconds, rows/s and ratios; not part of the
test run.
"""
from __future__ import annotations

import argparse
import time
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd

from geo.ingest.times import TimeOptions, read_times

LA = ZoneInfo("America/Los_Angeles")
FORMATS = ("%Y/%d/%m", "%m/%d/%Y %I:%M:%S %p")


def best_of(repeat: int, fn) -> float:
    best = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - start)
    return best


def columns(rows: int) -> tuple[list[str], list[str]]:
    rng = np.random.default_rng(641)
    when = pd.Timestamp("2012-01-01") + pd.to_timedelta(rng.integers(0, 366 * 86400, rows), unit="s")
    iso = list(when.strftime("%Y-%m-%d %H:%M:%S"))
    export = [t.strftime(FORMATS[0]) if t.day <= 12 else t.strftime(FORMATS[1]) for t in when]
    return iso, export


def pandas_iso(texts):
    parsed = pd.to_datetime(pd.Series(texts, dtype=object), format="ISO8601", errors="coerce")
    return list(parsed.dt.tz_localize(LA, ambiguous="NaT", nonexistent="NaT").dt.to_pydatetime())


def pandas_formats(texts):
    series = pd.Series(texts, dtype=object)
    first = pd.to_datetime(series, format=FORMATS[0], errors="coerce")
    both = first.fillna(pd.to_datetime(series, format=FORMATS[1], errors="coerce"))
    return list(both.dt.tz_localize(LA, ambiguous="NaT", nonexistent="NaT").dt.to_pydatetime())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    iso, export = columns(args.rows)
    cases = [
        ("ISO 8601", lambda: read_times(iso, kind="datetime", tz=LA), lambda: pandas_iso(iso)),
        ("export, two formats", lambda: read_times(export, kind="datetime", tz=LA, options=TimeOptions(formats=FORMATS)),
         lambda: pandas_formats(export)),
    ]
    for name, ours, peer in cases:
        mine, theirs = best_of(args.repeat, ours), best_of(args.repeat, peer)
        print(f"{name}: kuzet {mine:.2f} s ({args.rows / mine:,.0f} rows/s), pandas alone {theirs:.2f} s; "
              f"kuzet time / pandas time {mine / theirs:.2f}")


if __name__ == "__main__":
    main()
