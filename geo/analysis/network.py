"""Street-network distances: a graph of street lines, shortest paths from many sources at once.

Pure (no database): lines and points in EPSG:4326 in, metres out. The graph's nodes are the
vertices of the lines (ends and bends), projected to the UTM zone of the area and merged where
they lie within ``tolerance_m`` of each other, so streets that share a vertex (an OSM junction)
meet; streets that only cross (a bridge over a road) do not. Edges join consecutive vertices of a
line, weighted by their length in metres. A point reaches the network at its nearest node; its
network distance to another point is both snap distances plus the shortest path between their
nodes (``scipy.sparse.csgraph.dijkstra``). Points farther than ``max_snap_m`` from any node, and
pairs on disconnected pieces, are ``inf``: the caller decides what to do with them (the planner
falls back to the straight line).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, dijkstra
from scipy.spatial import cKDTree
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_CRS, metric_crs_for


@dataclass(frozen=True)
class StreetGraph:
    """Nodes (x, y in metres of ``crs``) and the symmetric sparse matrix of edge lengths in metres."""

    crs: CRS
    nodes: np.ndarray
    edges: csr_matrix
    tree: cKDTree

    @property
    def components(self) -> int:
        """How many disconnected pieces the network has."""
        return int(connected_components(self.edges, directed=False)[0]) if len(self.nodes) else 0


def build_graph(lines: Sequence[BaseGeometry] | gpd.GeoSeries, *, tolerance_m: float = 1.0,
                crs: CRS | None = None) -> StreetGraph:
    """The graph of street ``lines`` (EPSG:4326), vertices within ``tolerance_m`` merged.

    ``crs`` is the metric CRS to measure in (default: the UTM zone of the lines, EPSG:32643 for
    Almaty). Between two nodes joined by several lines the shortest is kept.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> g = build_graph([LineString([(76.90, 43.25), (76.91, 43.25)])])
    >>> len(g.nodes), round(float(g.edges.max()))
    (2, 812)
    """
    series = gpd.GeoSeries(list(lines), crs=STORAGE_CRS)
    series = series[~series.is_empty & series.notna()]
    if series.empty:
        empty = np.zeros((0, 2))
        return StreetGraph(crs or STORAGE_CRS, empty, csr_matrix((0, 0)), cKDTree(empty))
    crs = crs or metric_crs_for(gpd.GeoDataFrame(geometry=series))
    metric = series.to_crs(crs).explode(index_parts=False)
    coords, line_of = shapely.get_coordinates(metric.values, return_index=True)
    node_of, nodes = _merge(coords[:, :2], tolerance_m)
    same_line = line_of[1:] == line_of[:-1]
    a, b = node_of[:-1][same_line], node_of[1:][same_line]
    length = np.hypot(*(coords[1:, :2][same_line] - coords[:-1, :2][same_line]).T)
    keep = a != b
    a, b, length = a[keep], b[keep], length[keep]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    # shortest edge first, then the first of each (lo, hi): coo_matrix would sum duplicates
    order = np.lexsort((length, hi, lo))
    lo, hi, length = lo[order], hi[order], length[order]
    first = np.ones(len(lo), bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    lo, hi, length = lo[first], hi[first], np.maximum(length[first], 1e-9)  # 0 would mean "no edge"
    n = len(nodes)
    edges = coo_matrix((np.r_[length, length], (np.r_[lo, hi], np.r_[hi, lo])), shape=(n, n)).tocsr()
    return StreetGraph(crs, nodes, edges, cKDTree(nodes))


def _merge(xy: np.ndarray, tolerance_m: float) -> tuple[np.ndarray, np.ndarray]:
    """Per vertex its node, and the nodes (mean of the vertices merged): vertices closer than
    ``tolerance_m``, directly or through a chain of such, make one node."""
    tree = cKDTree(xy)
    pairs = tree.query_pairs(max(tolerance_m, 1e-6), output_type="ndarray")
    n = len(xy)
    near = coo_matrix((np.ones(len(pairs)), (pairs[:, 0], pairs[:, 1])), shape=(n, n)) if len(pairs) else \
        csr_matrix((n, n))
    count, node_of = connected_components(near, directed=False)
    sums = np.zeros((count, 2))
    np.add.at(sums, node_of, xy)
    return node_of, sums / np.bincount(node_of, minlength=count)[:, None]


def snap(graph: StreetGraph, points: Sequence[BaseGeometry] | gpd.GeoSeries) -> tuple[np.ndarray, np.ndarray]:
    """Per point (EPSG:4326): its nearest node and the distance to it in metres."""
    if not len(graph.nodes):
        return np.zeros(len(points), int), np.full(len(points), np.inf)
    metric = gpd.GeoSeries(list(points), crs=STORAGE_CRS).to_crs(graph.crs)
    xy = shapely.get_coordinates(metric.values)[:, :2]
    snapped_m, node = graph.tree.query(xy)
    return np.asarray(node, int), np.asarray(snapped_m, float)


def network_distances(graph: StreetGraph, sources: Sequence[BaseGeometry] | gpd.GeoSeries,
                      targets: Sequence[BaseGeometry] | gpd.GeoSeries, *, max_snap_m: float = 500.0) -> np.ndarray:
    """Metres along the streets from each source point to each target point (sources × targets).

    Each point is snapped to its nearest node; the distance is both snap distances plus the
    shortest path between the nodes. ``inf`` where the nodes are on disconnected pieces or a
    point lies farther than ``max_snap_m`` from every node.

    Examples
    --------
    >>> from shapely.geometry import LineString, Point
    >>> g = build_graph([LineString([(76.90, 43.25), (76.91, 43.25), (76.91, 43.26)])])
    >>> d = network_distances(g, [Point(76.90, 43.25)], [Point(76.91, 43.26)])
    >>> round(float(d[0, 0]))  # 812 m east, then 1111 m north
    1923
    """
    src_node, src_m = snap(graph, sources)
    tgt_node, tgt_m = snap(graph, targets)
    out = np.full((len(src_node), len(tgt_node)), np.inf)
    if not len(graph.nodes) or not out.size:
        return out
    unique, row_of = np.unique(src_node, return_inverse=True)
    paths = dijkstra(graph.edges, directed=False, indices=unique)
    out = src_m[:, None] + paths[row_of][:, tgt_node] + tgt_m[None, :]
    out[src_m > max_snap_m, :] = np.inf
    out[:, tgt_m > max_snap_m] = np.inf
    return out


def distance_matrix(lines: Sequence[BaseGeometry] | gpd.GeoSeries, sources, targets, *, tolerance_m: float = 1.0,
                    max_snap_m: float = 500.0) -> np.ndarray:
    """``network_distances`` over the graph of ``lines`` (built with ``tolerance_m``)."""
    return network_distances(build_graph(lines, tolerance_m=tolerance_m), sources, targets, max_snap_m=max_snap_m)
