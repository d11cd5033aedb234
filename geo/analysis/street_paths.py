"""Paths along the streets between points: the street graph of ``geo.analysis.network`` with the
points joined to it as nodes of their own, for the walking route's distances and its line.

Each point joins the network where ``network.snap`` puts it (the nearest point of the nearest
edge); the edges that points land on are split there, so a shortest path between two points runs
through the very vertices of the streets and can be drawn as the line it walks. Distances between
joins equal ``network.network_distances(..., snap_dist=False)`` (a test checks it).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import dijkstra
from shapely.geometry import LineString
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_CRS
from .network import NO_LENGTH, StreetGraph, Snapped, snap


@dataclass(frozen=True)
class JoinedGraph:
    """The street graph with one node per joined point (``point_node``; -1: the point reaches no
    street within the snap distance), the nodes' x, y (``xy``, the graph's CRS) and the edges."""

    graph: StreetGraph
    snapped: Snapped
    point_node: np.ndarray
    xy: np.ndarray
    edges: csr_matrix

    def distances(self) -> tuple[np.ndarray, np.ndarray]:
        """Metres along the streets between every two points (``inf``: not joined or apart), and
        the shortest-path predecessors from each joined point (rows in point order)."""
        n = len(self.point_node)
        out = np.full((n, n), np.inf)
        joined = np.flatnonzero(self.point_node >= 0)
        preds = np.full((n, len(self.xy)), -9999, dtype=np.int32)
        if len(joined):
            dist, pred = dijkstra(self.edges, directed=False, indices=self.point_node[joined],
                                  return_predecessors=True)
            out[np.ix_(joined, joined)] = dist[:, self.point_node[joined]]
            preds[joined] = pred
        return out, preds

    def path_xy(self, preds: np.ndarray, a: int, b: int) -> np.ndarray:
        """The nodes' x, y on the shortest path from point ``a`` to point ``b``, in order."""
        target, source = self.point_node[b], self.point_node[a]
        nodes = [target]
        while nodes[-1] != source:
            step = preds[a, nodes[-1]]
            if step < 0:
                raise ValueError(f"no path from point {a} to point {b}")
            nodes.append(step)
        return self.xy[np.array(nodes[::-1])]


def join_points(graph: StreetGraph, points: Sequence[BaseGeometry] | gpd.GeoSeries, *,
                max_snap_m: float = np.inf) -> JoinedGraph:
    """The graph with ``points`` (EPSG:4326) joined at their snaps, the edges under them split.

    Examples
    --------
    >>> from shapely.geometry import LineString, Point
    >>> from geo.analysis.network import build_graph
    >>> g = build_graph([LineString([(76.90, 43.25), (76.91, 43.25)])])
    >>> j = join_points(g, [Point(76.902, 43.2501), Point(76.908, 43.2501)])
    >>> round(float(j.distances()[0][0, 1]))
    487
    """
    snapped = snap(graph, points, max_snap_m=max_snap_m)
    n_nodes, n_points = len(graph.nodes), len(snapped.edge)
    point_node = np.where(snapped.joined, n_nodes + np.arange(n_points), -1)
    hit = np.flatnonzero(snapped.joined)
    keep = np.ones(len(graph.ends), bool)
    keep[snapped.edge[hit]] = False  # an edge carrying points is replaced by its pieces
    frm, to, length = [graph.ends[keep, 0]], [graph.ends[keep, 1]], [graph.lengths[keep]]
    for e in np.unique(snapped.edge[hit]):
        on = hit[snapped.edge[hit] == e]
        on = on[np.argsort(snapped.along_m[on], kind="stable")]
        chain = np.r_[graph.ends[e, 0], point_node[on], graph.ends[e, 1]]
        at = np.r_[0.0, snapped.along_m[on], graph.lengths[e]]
        frm.append(chain[:-1])
        to.append(chain[1:])
        length.append(np.maximum(np.diff(at), NO_LENGTH))
    frm, to, length = np.concatenate(frm), np.concatenate(to), np.concatenate(length)
    size = n_nodes + n_points
    edges = coo_matrix((length, (frm, to)), shape=(size, size)).tocsr()
    xy = np.vstack([graph.nodes, np.where(snapped.joined[:, None], snapped.xy, np.nan)]) if n_points else graph.nodes
    return JoinedGraph(graph, snapped, point_node, xy, edges)


def tour_line(joined: JoinedGraph, preds: np.ndarray, stops: Sequence[int]) -> LineString:
    """The line (EPSG:4326) walking point ``stops[0]`` → ``stops[1]`` → … along the shortest paths,
    consecutive repeated vertices dropped.

    Examples
    --------
    >>> from shapely.geometry import LineString, Point
    >>> from geo.analysis.network import build_graph
    >>> g = build_graph([LineString([(76.90, 43.25), (76.91, 43.25)])])
    >>> j = join_points(g, [Point(76.902, 43.2501), Point(76.908, 43.2501)])
    >>> len(tour_line(j, j.distances()[1], [0, 1, 0]).coords)
    3
    """
    parts = [joined.path_xy(preds, a, b) for a, b in zip(stops[:-1], stops[1:])]
    xy = np.vstack(parts) if parts else np.zeros((0, 2))
    if len(xy):
        same = np.r_[False, np.all(np.abs(np.diff(xy, axis=0)) < 1e-6, axis=1)]
        xy = xy[~same]
    if not len(xy):
        raise ValueError("a tour needs at least one stop")
    if len(xy) == 1:  # every stop where the start joins the streets: a tour of no length
        xy = np.vstack([xy, xy])
    metric = gpd.GeoSeries([LineString(xy)], crs=joined.graph.crs)
    return metric.to_crs(STORAGE_CRS).iloc[0]


def snapped_points(joined: JoinedGraph) -> list[BaseGeometry | None]:
    """Each point's join on the streets (EPSG:4326), None where it reaches none."""
    out: list[BaseGeometry | None] = [None] * len(joined.point_node)
    hit = np.flatnonzero(joined.point_node >= 0)
    if len(hit):
        metric = gpd.GeoSeries(shapely.points(joined.snapped.xy[hit]), crs=joined.graph.crs).to_crs(STORAGE_CRS)
        for i, p in zip(hit, metric.values):
            out[int(i)] = p
    return out
