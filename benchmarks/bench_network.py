"""The planner's street distances on the demo: every formation x every target, against the old snap.

Run by hand (not part of the tests) against a database holding the demo (``kuzet demo``)::

    .venv/bin/python benchmarks/bench_network.py --database-url postgresql+psycopg://kuzet@127.0.0.1:5433/kuzet_demo

Times ``geo.services.planning.distance.travel`` end to end (reading the streets, building the graph,
the distances) for the demo's formations x all its targets (public places, campuses, pastures, crop
fields, patrol zones, events), best of ``--repeats`` after a warm-up call; then, on the same graph and points, the
distance stage alone: points joined at the nearest point of the nearest street (now) against each
point on its nearest street vertex (the earlier snap, reproduced here as the baseline: cKDTree +
Dijkstra from the unique source vertices). The script only calls ``travel`` and the graph's nodes
and edges, so run against an older checkout (``PYTHONPATH=...``) it times that checkout's travel().
"""
from __future__ import annotations

import argparse
import time
from types import SimpleNamespace

import numpy as np
import shapely
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.analysis.network import build_graph, network_distances
from geo.db import make_engine
from geo.db import network as db
from geo.services.planning import distance

TARGET_LAYERS = ("public_place", "campus", "pasture", "crop_field", "patrol_zone", "event")


def best_of(repeats: int, fn, *args, **kwargs):
    """The shortest wall time of ``repeats`` calls (after one to warm up), and the last result."""
    result = fn(*args, **kwargs)
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        times.append(time.perf_counter() - start)
    return min(times), result


def nearest_vertex(graph, sources, targets) -> np.ndarray:
    """The distances of the earlier snap: each point on its nearest vertex, both straight legs counted."""
    def xy(points):
        metric = shapely.transform(np.asarray(points, dtype=object), _to(graph.crs), interleaved=False)
        return shapely.get_coordinates(metric)
    tree = cKDTree(graph.nodes)
    (s_m, s_node), (t_m, t_node) = tree.query(xy(sources)), tree.query(xy(targets))
    unique, row = np.unique(s_node, return_inverse=True)
    paths = dijkstra(graph.edges, directed=False, indices=unique)
    return s_m[:, None] + paths[row][:, t_node] + t_m[None, :]


def _to(crs):
    from pyproj import Transformer

    return Transformer.from_crs(4326, crs, always_xy=True).transform


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeats", type=int, default=7)
    args = parser.parse_args()
    with Session(make_engine(args.database_url)) as session:
        formations = services.layer_features(session, "formation", viewer=SYSTEM, limit=10_000).frame
        ids = [int(i) for i in formations["id"]]
        targets = [SimpleNamespace(geometry=g) for name in TARGET_LAYERS
                   for g in services.layer_features(session, name, viewer=SYSTEM, limit=10_000).frame.geometry]
        straight = np.ones((len(ids), len(targets)))
        seconds, measured = best_of(args.repeats, distance.travel, session, straight, ids, targets)
        print(f"travel(): {len(ids)} formations x {len(targets)} targets, {db.segment_count(session)} segments "
              f"stored: {seconds:.3f} s ({measured.distance}, {measured.straight_pairs} pairs kept the "
              "straight line)")
        homes = db.home_points(session, ids)
        sources = [homes[i] for i in ids]
        points = [shapely.point_on_surface(t.geometry) for t in targets]
        bounds = shapely.total_bounds(np.array(sources + points, dtype=object))
        lines = db.segments_within(session, tuple(bounds), margin_m=distance.MARGIN_M)
    built, graph = best_of(args.repeats, build_graph, lines, tolerance_m=distance.TOLERANCE_M)
    print(f"  graph of {len(lines)} lines: {len(graph.nodes)} nodes, built in {built:.3f} s")
    old_s, old = best_of(args.repeats, nearest_vertex, graph, sources, points)
    if hasattr(graph, "lines"):  # a checkout with the nearest-point snap
        new_s, new = best_of(args.repeats, network_distances, graph, sources, points,
                             max_snap_m=np.inf, snap_dist=True)
        both = np.isfinite(old) & np.isfinite(new)
        print(f"  distances, nearest street point: {new_s:.4f} s; nearest vertex (before): {old_s:.4f} s; "
              f"ratio {new_s / old_s:.2f}")
        print(f"  pairs: {both.sum()} joined; shorter than before {np.mean(new[both] < old[both] - 1e-6):.1%}, "
              f"longer {np.mean(new[both] > old[both] + 1e-6):.1%}; mean change "
              f"{np.mean(new[both] - old[both]):+.1f} m")
    else:
        print(f"  distances, nearest vertex: {old_s:.4f} s")


if __name__ == "__main__":
    main()
