"""Location models and the shift plan against spopt + CBC (PuLP), measured in the same run.

    .venv/bin/python benchmarks/bench_planning.py [--repeats 3] [--skip-slow]
                                                  [--shift-time-limit 60]

Instances: spopt's San Francisco test instance (205 tracts x 16 stores, network metres, POP2000
weights, as spopt's own tests build it) and a synthetic city of 2,000 cells (250 m grid) x 200
candidate sites, incidents drawn around six hot spots. Each model is timed end to end as a caller
would run it (kuzet: one call; spopt: ``from_cost_matrix`` then ``solve(PULP_CBC_CMD)``), best of
``--repeats`` (the large p-median once). spopt's LSCP gets only the coverable cells, since it
declares the whole instance infeasible otherwise. The shift plan (a district of 40 formations x 300
targets with 5 events, a city of 200 x 2,000 with 20) has no spopt counterpart; its stages are
timed alone, under ``--shift-time-limit``. Not part of the test run.
"""
from __future__ import annotations

import argparse
import time
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from geo.analysis.location_models import lscp, mclp, p_median
from geo.analysis.planning import plan_shift


def best_of(repeats: int, fn, *args, **kwargs):
    """The shortest wall time of ``repeats`` calls, and the last result."""
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        best = min(best, time.perf_counter() - start)
    return best, result


def san_francisco() -> tuple[np.ndarray, np.ndarray]:
    import spopt

    data = Path(spopt.__file__).parent / "tests" / "test_locate" / "data"
    network = pd.read_csv(data / "SF_network_distance_candidateStore_16_censusTract_205_new.csv")
    matrix = network.pivot_table(values="distance", index="DestinationName", columns="name")
    tracts = pd.read_csv(data / "SF_demand_205_centroid_uniform_weight.csv")
    tracts = tracts.sort_values(by=["NAME"]).reset_index()
    return matrix.to_numpy(), tracts["POP2000"].to_numpy()


def synthetic_city(n_cells: int = 2000, n_sites: int = 200, seed: int = 641):
    """Cell centres on a 250 m grid, Poisson incidents around six hot spots, random sites."""
    rng = np.random.default_rng(seed)
    side = int(np.ceil(np.sqrt(n_cells)))
    xs = (np.arange(side) + 0.5) * 250.0
    cells = np.array([(x, y) for x in xs for y in xs])[:n_cells]
    centres = rng.uniform(0, side * 250.0, (6, 2))
    rate = 0.3 + sum(8 * np.exp(-((cells - c) ** 2).sum(1) / (2 * 1200.0**2)) for c in centres)
    weights = rng.poisson(rate).astype(float)
    sites = rng.uniform(0, side * 250.0, (n_sites, 2))
    distance = np.sqrt(((cells[:, None, :] - sites[None, :, :]) ** 2).sum(-1))
    return cells, weights, sites, distance


def spopt_run(model: str, distance, weights, **kw):
    import pulp
    from spopt.locate import LSCP, MCLP, PMedian

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PuLP 3 announces its 4.0 API on every variable
        cbc = pulp.PULP_CBC_CMD(msg=False)
        if model == "mclp":
            built = MCLP.from_cost_matrix(distance, weights, kw["radius_m"], kw["p"])
        elif model == "p-median":
            built = PMedian.from_cost_matrix(distance, weights, kw["p"])
        else:
            built = LSCP.from_cost_matrix(distance, kw["radius_m"])
        solved = built.solve(cbc)
    return solved.problem.objective.value(), pulp.LpStatus[solved.problem.status]


def compare(label: str, model: str, distance, weights, repeats: int, **kw) -> None:
    ours_fn = {"mclp": mclp, "p-median": p_median, "lscp": lscp}[model]
    args = (distance,) if model == "lscp" else (distance, weights)
    ours_s, ours = best_of(repeats, ours_fn, *args, **kw)
    theirs_distance = distance
    if model == "lscp":  # spopt cannot leave uncoverable rows out
        theirs_distance = distance[(distance <= kw["radius_m"]).any(axis=1)]
    theirs_s, (theirs_obj, theirs_status) = best_of(repeats, spopt_run, model, theirs_distance,
                                                    weights, **kw)
    same = np.isclose(ours.objective, theirs_obj, rtol=1e-9)
    print(f"| {label} | {model} | {ours_s:.3f} s | {ours.objective:,.2f} ({ours.status}) | "
          f"{theirs_s:.3f} s | {theirs_obj:,.2f} ({theirs_status}) | {theirs_s / ours_s:.1f}x | "
          f"{'same' if same else 'DIFFERENT'} |", flush=True)


def bench_shift(time_limit_s: float, n_formations: int, n_targets: int, n_events: int,
                seed: int = 641) -> None:
    rng = np.random.default_rng(seed)
    cells, weights, _, _ = synthetic_city(n_targets, 1, seed=seed)
    homes = rng.uniform(0, cells.max() + 125.0, (n_formations, 2))
    members = rng.integers(2, 13, n_formations)
    is_event = np.zeros(len(cells), bool)
    is_event[rng.choice(len(cells), n_events, replace=False)] = True
    need = np.where(is_event, rng.integers(10, 41, len(cells)), rng.integers(2, 5, len(cells)))
    distance = np.sqrt(((homes[:, None, :] - cells[None, :, :]) ** 2).sum(-1))
    # stand-in for the rules: home area within 3 km (6 km for events), 80 % of activity types
    eligible = np.where(is_event[None, :], distance <= 6000,
                        (distance <= 3000) & (rng.random(distance.shape) < 0.8))
    start = time.perf_counter()
    plan = plan_shift(formation_members=members, target_need=need, target_weight=weights,
                      target_is_event=is_event, eligible=eligible, distance_m=distance,
                      time_limit_s=time_limit_s)
    total = time.perf_counter() - start
    stages = ", ".join(f"{name} {r.runtime_s:.1f} s ({r.status}, gap {100 * r.mip_gap:.3f} %)"
                       for name, r in plan.stages.items())
    print(f"\nshift plan: {n_formations} formations x {len(cells)} targets, "
          f"{int(eligible.sum()):,} eligible pairs, time limit {time_limit_s:.0f} s: "
          f"{total:.1f} s [{stages}]")
    print(plan.explanation())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--skip-slow", action="store_true",
                        help="skip the synthetic p-median (spopt + CBC takes minutes)")
    parser.add_argument("--shift-time-limit", type=float, default=60.0, metavar="S")
    args = parser.parse_args()
    mclp(np.ones((1, 1)), [1.0], radius_m=1.0, p=1)  # HiGHS prints its banner once per process
    print("| instance | model | kuzet (HiGHS) | kuzet objective | spopt + CBC | spopt objective "
          "| spopt / kuzet | objective |")
    print("|---|---|---|---|---|---|---|---|")
    distance, population = san_francisco()
    compare("SF 205x16", "mclp", distance, population, args.repeats, radius_m=5000.0, p=4)
    compare("SF 205x16", "p-median", distance, population, args.repeats, p=4)
    compare("SF 205x16", "lscp", distance, population, args.repeats, radius_m=5000.0)
    _, weights, _, distance = synthetic_city()
    compare("city 2000x200", "mclp", distance, weights, args.repeats, radius_m=1000.0, p=20)
    compare("city 2000x200", "lscp", distance, weights, args.repeats, radius_m=1000.0)
    if not args.skip_slow:
        compare("city 2000x200", "p-median", distance, weights, 1, p=20, time_limit_s=600.0)
    bench_shift(args.shift_time_limit, 40, 300, 5)  # a district
    bench_shift(args.shift_time_limit, 200, 2000, 20)  # a city


if __name__ == "__main__":
    main()
