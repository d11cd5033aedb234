"""Street-network distances: a graph of street lines, points joined to it where they meet a street.

Pure (no database): lines and points in EPSG:4326 in, metres (units of ``crs``) out. The graph's
nodes are the vertices of the lines (ends and bends), projected to the UTM zone of the area and
merged where they lie within ``tolerance_m`` of each other, so streets that share a vertex (an OSM
junction) meet; streets that only cross (a bridge over a road) do not. Edges join consecutive
vertices of a line, weighted by their length.

A point reaches the network as a network analyst's tools (spaghetti, pgRouting) have it reach it:
at the nearest point of the nearest edge, which splits the edge there; from that point it may go to
either end of the edge (the two partial lengths) and on, or straight along the edge to another point
on the same edge. Its network distance to another point is the shortest such path
(``scipy.sparse.csgraph.dijkstra``), plus both snap distances (the legs from the points to the
street) unless ``snap_dist=False``. Points farther than ``max_snap_m`` from every street, and pairs
on disconnected pieces, are ``inf``: the caller decides what to do with them (the planner falls back
to the straight line).
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
from pyproj import Geod
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_CRS, metric_crs_for

GEOD = Geod(ellps="WGS84")  # lengths on the spheroid, as ST_Length(geography) measures them

# scipy.sparse.csgraph reads a weight of 0 as "no edge": a point on a node joins it by this much
NO_LENGTH = 1e-9


@dataclass(frozen=True)
class StreetGraph:
    """The street graph in units of ``crs`` (metres for the UTM default).

    ``nodes``: x, y per node; ``ends``: the two nodes of each edge (lower first), ``lengths`` its
    length and ``lines`` its straight line between the two nodes; ``edges``: the symmetric sparse
    matrix of edge lengths; ``tree``: a shapely STRtree over ``lines`` (the snap's index).
    """

    crs: CRS
    nodes: np.ndarray
    ends: np.ndarray
    lengths: np.ndarray
    lines: np.ndarray
    edges: csr_matrix
    tree: shapely.STRtree

    @property
    def components(self) -> int:
        """How many disconnected pieces the network has."""
        return int(connected_components(self.edges, directed=False)[0]) if len(self.nodes) else 0


@dataclass(frozen=True)
class Snapped:
    """Where points meet the network: per point its ``edge`` (-1: none within reach), the distance
    ``along_m`` from the edge's first end (``graph.ends[edge, 0]``), the ``offset_m`` from the point
    to the street (``inf``: none within reach) and the snapped point (x, y in the graph's ``crs``)."""

    edge: np.ndarray
    along_m: np.ndarray
    offset_m: np.ndarray
    xy: np.ndarray

    @property
    def joined(self) -> np.ndarray:
        return self.edge >= 0


def spheroid_lengths_m(lines: Sequence[BaseGeometry]) -> np.ndarray:
    """The length in metres of each line (EPSG:4326) on the WGS 84 spheroid.

    Examples
    --------
    >>> from shapely.geometry import LineString
    >>> round(float(spheroid_lengths_m([LineString([(76.90, 43.25), (76.91, 43.25)])])[0]))
    812
    """
    return np.array([GEOD.geometry_length(line) for line in lines], dtype=float)


def build_graph(lines: Sequence[BaseGeometry] | gpd.GeoSeries, *, tolerance_m: float = 1.0,
                crs: CRS | None = None) -> StreetGraph:
    """The graph of street ``lines`` (EPSG:4326), vertices within ``tolerance_m`` merged.

    ``crs`` is the CRS to measure in (default: the UTM zone of the lines, EPSG:32643 for Almaty);
    lengths and ``tolerance_m`` are in its units. Between two nodes joined by several lines the
    shortest is kept.

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
        return _graph(crs or STORAGE_CRS, np.zeros((0, 2)), np.zeros(0, int), np.zeros(0, int))
    crs = crs or metric_crs_for(gpd.GeoDataFrame(geometry=series))
    metric = series.to_crs(crs).explode(index_parts=False)
    coords, line_of = shapely.get_coordinates(metric.values, return_index=True)
    node_of, nodes = _merge(coords[:, :2], tolerance_m)
    same_line = line_of[1:] == line_of[:-1]
    a, b = node_of[:-1][same_line], node_of[1:][same_line]
    keep = a != b
    return _graph(crs, nodes, a[keep], b[keep])


def _graph(crs: CRS, nodes: np.ndarray, a: np.ndarray, b: np.ndarray) -> StreetGraph:
    """The graph of edges ``a``–``b`` between ``nodes``, each pair once (the shortest)."""
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    length = np.hypot(*(nodes[hi] - nodes[lo]).T) if len(lo) else np.zeros(0)
    # shortest edge first, then the first of each (lo, hi): coo_matrix would sum duplicates
    order = np.lexsort((length, hi, lo))
    lo, hi, length = lo[order], hi[order], length[order]
    first = np.ones(len(lo), bool)
    first[1:] = (lo[1:] != lo[:-1]) | (hi[1:] != hi[:-1])
    lo, hi, length = lo[first], hi[first], np.maximum(length[first], NO_LENGTH)
    n = len(nodes)
    edges = coo_matrix((np.r_[length, length], (np.r_[lo, hi], np.r_[hi, lo])), shape=(n, n)).tocsr()
    lines = shapely.linestrings(np.stack([nodes[lo], nodes[hi]], axis=1)) if len(lo) else np.empty(0, object)
    return StreetGraph(crs, nodes, np.stack([lo, hi], axis=1), length, lines, edges, shapely.STRtree(lines))


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


def snap(graph: StreetGraph, points: Sequence[BaseGeometry] | gpd.GeoSeries, *,
         max_snap_m: float = np.inf) -> Snapped:
    """Per point (EPSG:4326): the nearest point on the nearest edge within ``max_snap_m``.

    Examples
    --------
    >>> from shapely.geometry import LineString, Point
    >>> g = build_graph([LineString([(76.90, 43.25), (76.91, 43.25)])])
    >>> s = snap(g, [Point(76.905, 43.2505)])
    >>> int(s.edge[0]), round(float(s.along_m[0])), round(float(s.offset_m[0]))
    (0, 406, 56)
    """
    n = len(points)
    edge, along, offset, xy = np.full(n, -1), np.zeros(n), np.full(n, np.inf), np.full((n, 2), np.nan)
    if not len(graph.lines) or not n:
        return Snapped(edge, along, offset, xy)
    metric = gpd.GeoSeries(list(points), crs=STORAGE_CRS).to_crs(graph.crs).values
    reach = {"max_distance": float(max_snap_m)} if 0 < max_snap_m < np.inf else {}  # the index prunes
    (which, nearest), distance = graph.tree.query_nearest(metric, return_distance=True, all_matches=False,
                                                          **reach)
    close = distance <= max_snap_m
    which, nearest, distance = which[close], nearest[close], distance[close]
    on = graph.lines[nearest]
    along[which] = np.clip(shapely.line_locate_point(on, metric[which]), 0.0, graph.lengths[nearest])
    edge[which], offset[which] = nearest, distance
    xy[which] = shapely.get_coordinates(shapely.line_interpolate_point(on, along[which]))
    return Snapped(edge, along, offset, xy)


def network_distances(graph: StreetGraph, sources: Sequence[BaseGeometry] | gpd.GeoSeries,
                      targets: Sequence[BaseGeometry] | gpd.GeoSeries, *, max_snap_m: float = 500.0,
                      snap_dist: bool = True) -> np.ndarray:
    """Distance along the streets from each source point to each target point (sources × targets).

    Each point joins the network at the nearest point of its nearest edge (``snap``); the distance
    is the shortest path between the two joins, through the ends of their edges or, on one edge,
    straight along it, plus both snap distances when ``snap_dist`` (spaghetti's
    ``allneighbordistances(snap_dist=...)``). ``inf`` where the joins are on disconnected pieces or a
    point lies farther than ``max_snap_m`` from every street.

    One Dijkstra run per place where sources join: each joins the graph as a node of its own,
    tied to the two ends of its edge by the partial lengths.

    Examples
    --------
    >>> from shapely.geometry import LineString, Point
    >>> g = build_graph([LineString([(76.90, 43.25), (76.91, 43.25), (76.91, 43.26)])])
    >>> d = network_distances(g, [Point(76.90, 43.25)], [Point(76.91, 43.26)])
    >>> round(float(d[0, 0]))  # 812 m east, then 1111 m north
    1923
    """
    src = snap(graph, sources, max_snap_m=max_snap_m)
    tgt = snap(graph, targets, max_snap_m=max_snap_m)
    out = np.full((len(src.edge), len(tgt.edge)), np.inf)
    rows, cols = np.flatnonzero(src.joined), np.flatnonzero(tgt.joined)
    if not len(rows) or not len(cols):
        return out
    # sources joining at one place (one edge, one position) share their Dijkstra run
    joins, source_of = np.unique(np.column_stack([src.edge[rows], src.along_m[rows]]), axis=0,
                                 return_inverse=True)
    s_edge, s_along = joins[:, 0].astype(int), joins[:, 1]
    t_edge, t_along = tgt.edge[cols], tgt.along_m[cols]
    paths = dijkstra(_with_sources(graph, s_edge, s_along), directed=False,
                     indices=len(graph.nodes) + np.arange(len(joins)))
    t_ends = graph.ends[t_edge]
    t_rest = graph.lengths[t_edge] - t_along
    best = np.minimum(paths[:, t_ends[:, 0]] + t_along[None, :], paths[:, t_ends[:, 1]] + t_rest[None, :])
    same = s_edge[:, None] == t_edge[None, :]
    best = np.where(same, np.minimum(best, np.abs(s_along[:, None] - t_along[None, :])), best)
    best = best[source_of.ravel()]
    if snap_dist:
        best = best + src.offset_m[rows][:, None] + tgt.offset_m[cols][None, :]
    out[np.ix_(rows, cols)] = best
    return out


def _with_sources(graph: StreetGraph, edge: np.ndarray, along_m: np.ndarray) -> csr_matrix:
    """The graph's edges (one direction) plus a node per source, after the graph's nodes, tied to
    both ends of the source's edge by its partial lengths. A source node is a way between the two
    ends exactly as long as the edge, so it shortens no other path."""
    n, k = len(graph.nodes), len(edge)
    own = n + np.arange(k)
    ends = graph.ends[edge]
    weights = np.r_[graph.lengths, np.maximum(along_m, NO_LENGTH),
                    np.maximum(graph.lengths[edge] - along_m, NO_LENGTH)]
    frm = np.r_[graph.ends[:, 0], own, own]
    to = np.r_[graph.ends[:, 1], ends[:, 0], ends[:, 1]]
    return coo_matrix((weights, (frm, to)), shape=(n + k, n + k)).tocsr()


def distance_matrix(lines: Sequence[BaseGeometry] | gpd.GeoSeries, sources, targets, *, tolerance_m: float = 1.0,
                    max_snap_m: float = 500.0, snap_dist: bool = True) -> np.ndarray:
    """``network_distances`` over the graph of ``lines`` (built with ``tolerance_m``)."""
    return network_distances(build_graph(lines, tolerance_m=tolerance_m), sources, targets,
                             max_snap_m=max_snap_m, snap_dist=snap_dist)
