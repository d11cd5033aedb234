"""The Knox table (geo.analysis.knox) against a naive O(n²) count over every pair, measured in the same run.

    .venv/bin/python benchmarks/bench_knox.py [--sizes 1000 10000] [--permutations 99]

Incidents: a city-sized 10 km square over a year, a third of them clustered around 200 hot places (so the
close pairs are as many as in real burglaries). kuzet: KD-tree close pairs within the last band, the
"more than" row by subtraction, then 99 permutations reusing the close pairs. Baselines: (a) a pure
Python double loop over the n(n-1)/2 pairs (n = 10^3 only; extrapolated as n² otherwise), (b) numpy
over every pair, one row of the distance matrix at a time (never the whole matrix). Both baselines
count the observed table once; a permutation would cost them the same again, so their "99
permutations" time is 100 × the single count. Prints times and ratios; not part of the test run.
"""
from __future__ import annotations

import argparse
import math
import time

import numpy as np

from geo.analysis.knox import day_columns, distance_rows, knox

BAND_M, BANDS, BAND_DAYS, TIME_BANDS = 100, 5, 7, 5


def incidents(n: int, rng) -> tuple[np.ndarray, np.ndarray]:
    hot = rng.uniform(0, 10_000, (200, 2))
    clustered = n // 3
    xy = np.vstack([rng.uniform(0, 10_000, (n - clustered, 2)),
                    hot[rng.integers(0, 200, clustered)] + rng.normal(0, 80, (clustered, 2))])
    return xy, rng.integers(0, 365, n)


def naive_python(xy, days) -> np.ndarray:
    table = np.zeros((BANDS + 2, TIME_BANDS + 1), dtype=np.int64)
    points, when = xy.tolist(), days.tolist()
    edge = BANDS * BAND_M
    for i in range(len(points)):
        xi, yi = points[i]
        for j in range(i + 1, len(points)):
            whole = math.floor(math.hypot(xi - points[j][0], yi - points[j][1]) + 0.5)
            r = BANDS + 1 if whole > edge else math.ceil(whole / BAND_M)
            dt = abs(when[i] - when[j])
            c = min((max(dt, 1) - 1) // BAND_DAYS, TIME_BANDS)
            table[r, c] += 1
    return table


def naive_numpy(xy, days) -> np.ndarray:
    table = np.zeros((BANDS + 2) * (TIME_BANDS + 1), dtype=np.int64)
    for i in range(len(xy) - 1):
        d = np.hypot(xy[i + 1:, 0] - xy[i, 0], xy[i + 1:, 1] - xy[i, 1])
        r = distance_rows(d, BAND_M, BANDS)
        c = day_columns(days[i + 1:] - days[i], BAND_DAYS, TIME_BANDS)
        table += np.bincount(r * (TIME_BANDS + 1) + c, minlength=table.size)
    return table.reshape(BANDS + 2, TIME_BANDS + 1)


def timed(fn, *args, **kwargs):
    began = time.perf_counter()
    out = fn(*args, **kwargs)
    return time.perf_counter() - began, out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--permutations", type=int, default=99)
    args = parser.parse_args()
    rng = np.random.default_rng(641)
    print(f"{'n':>7} {'kuzet 1 count':>14} {'kuzet +perms':>13} {'numpy O(n²)':>12} {'python O(n²)':>13} "
          f"{'ratio numpy':>12} {'ratio python':>13} {'numpy×(P+1) / kuzet+P':>22}")
    for n in args.sizes:
        xy, days = incidents(n, rng)
        once, table = timed(knox, xy, days, band_m=BAND_M, bands=BANDS, band_days=BAND_DAYS, time_bands=TIME_BANDS,
                            permutations=0)
        full, _ = timed(knox, xy, days, band_m=BAND_M, bands=BANDS, band_days=BAND_DAYS, time_bands=TIME_BANDS,
                        permutations=args.permutations, seed=1)
        t_numpy, by_numpy = timed(naive_numpy, xy, days)
        assert (by_numpy == table.observed).all(), "numpy baseline disagrees"
        if n <= 2000:
            t_python, by_python = timed(naive_python, xy, days)
            assert (by_python == table.observed).all(), "python baseline disagrees"
            python = f"{t_python:12.2f}s"
        else:  # extrapolated from the 10^3 run's rate, as n²
            t_python = python_rate * n * (n - 1) / 2 if "python_rate" in locals() else float("nan")
            python = f"~{t_python:11.0f}s"
        if n <= 2000:
            python_rate = t_python / (n * (n - 1) / 2)
        print(f"{n:7d} {once:13.3f}s {full:12.3f}s {t_numpy:11.2f}s {python} {t_numpy / once:11.0f}× "
              f"{t_python / once:12.0f}× {t_numpy * (args.permutations + 1) / full:21.0f}×")
        print(f"        close pairs counted: {int(table.observed[:-1].sum()):,} of {table.pairs:,}")


if __name__ == "__main__":
    main()
