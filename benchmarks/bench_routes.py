"""The walking patrol route's solver: solve time against instance size, and the heuristic's gap to
HiGHS's MIP (the baseline, measured in the same run on the same instances).

    .venv/bin/python benchmarks/bench_routes.py [--sizes 5 10 15 20 25 30 40] [--seeds 5] [--time-limit 10]

Each instance is a street-like metric: n hot cells and a start at random in a 1.5 km square,
distances the shortest paths over straight legs lengthened by up to 40 % (streets wind), weights
1..9, a dwell of 150 m walked per cell and a budget fitting about half the cells. For each size:
the heuristic's median time, the MIP's median time and how many it proved optimal within the time
limit, and the heuristic's weight as a share of the MIP's (1.0: as good; the MIP starts from the
heuristic's tour, so it is never worse). No database needed.
"""
from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np
from scipy.sparse.csgraph import shortest_path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from geo.analysis import orienteering  # noqa: E402


def instance(n: int, seed: int):
    rng = np.random.default_rng(seed)
    xy = rng.uniform(0, 1500, (n + 1, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1)) * rng.uniform(1.0, 1.4, (n + 1, n + 1))
    d = shortest_path(np.minimum(d, d.T), directed=False)
    w = rng.integers(1, 10, n).astype(float)
    tour = orienteering.shortest_order(d, list(range(1, n + 1)), exact_max=0)
    dwell = 150.0
    budget = 0.5 * (orienteering.tour_length(d, tour) + dwell * n)
    return d, w, budget, dwell


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[5, 10, 15, 20, 25, 30, 40])
    parser.add_argument("--seeds", type=int, default=5)
    parser.add_argument("--time-limit", type=float, default=10.0)
    args = parser.parse_args()
    print(f"{'n':>4} {'heuristic s':>12} {'MIP s':>8} {'proved':>7} {'heur/MIP weight':>16} {'worst':>6}")
    for n in args.sizes:
        h_times, m_times, shares, proved = [], [], [], 0
        for seed in range(args.seeds):
            d, w, budget, dwell = instance(n, seed)
            t = time.perf_counter()
            h = orienteering.heuristic(d, w, budget_m=budget, dwell_m=dwell)
            h_times.append(time.perf_counter() - t)
            t = time.perf_counter()
            m = orienteering.solve(d, w, budget_m=budget, dwell_m=dwell, exact_max=10**6,
                                   time_limit_s=args.time_limit)
            m_times.append(time.perf_counter() - t)
            proved += m.status == "optimal"
            shares.append(h.weight / m.weight if m.weight else 1.0)
        print(f"{n:>4} {statistics.median(h_times):>12.3f} {statistics.median(m_times):>8.2f} "
              f"{proved:>3}/{args.seeds:<3} {statistics.mean(shares):>16.3f} {min(shares):>6.3f}")


if __name__ == "__main__":
    main()
