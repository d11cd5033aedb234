"""Street distances against spaghetti on libpysal's bundled ``geodanet`` network (230 nodes, 303 arcs).

The streets, crimes and schools are in Arizona State Plane feet (ESRI:102649): kuzet measures in
that CRS (``build_graph(crs=...)``), so both speak feet. Vertices are joined only where they are the
same point, as spaghetti joins them (a tolerance of 1e-6 ft).
"""
from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pytest
from scipy.sparse.csgraph import dijkstra
from scipy.spatial import cKDTree

from geo.analysis.network import build_graph, network_distances, snap

examples = pytest.importorskip("libpysal.examples")
with warnings.catch_warnings():
    warnings.simplefilter("ignore", FutureWarning)  # spaghetti announces its 2.0 API on import
    spaghetti = pytest.importorskip("spaghetti")

REL = 1e-6
pytestmark = pytest.mark.filterwarnings("ignore::FutureWarning")  # libpysal.cg geometries, used by spaghetti


@pytest.fixture(scope="module")
def geodanet():
    streets = gpd.read_file(examples.get_path("streets.shp"))
    crimes = gpd.read_file(examples.get_path("crimes.shp"))
    schools = gpd.read_file(examples.get_path("schools.shp"))
    rng = np.random.default_rng(11)
    minx, miny, maxx, maxy = streets.total_bounds
    scattered = gpd.GeoSeries(gpd.points_from_xy(rng.uniform(minx, maxx, 60), rng.uniform(miny, maxy, 60)),
                              crs=streets.crs)
    net = spaghetti.Network(in_data=streets)
    for name, frame in (("crimes", crimes), ("schools", schools), ("scattered", gpd.GeoDataFrame(geometry=scattered))):
        net.snapobservations(frame, name)
    graph = build_graph(streets.geometry.to_crs(4326), tolerance_m=1e-6, crs=streets.crs)
    points = {"crimes": crimes.geometry.to_crs(4326), "schools": schools.geometry.to_crs(4326),
              "scattered": scattered.to_crs(4326)}
    return net, graph, points


def nearest_vertex_distances(graph, sources, targets) -> np.ndarray:
    """The distances of the earlier snap: each point on its nearest vertex, both straight legs counted."""
    xy = [np.column_stack([p.x, p.y]) for p in (sources.to_crs(graph.crs), targets.to_crs(graph.crs))]
    (s_m, s_node), (t_m, t_node) = (cKDTree(graph.nodes).query(v) for v in xy)
    return s_m[:, None] + dijkstra(graph.edges, directed=False, indices=s_node)[:, t_node] + t_m[None, :]


def test_the_graph_has_spaghettis_vertices_and_arcs(geodanet):
    net, graph, _ = geodanet
    assert len(graph.nodes) == len(net.vertex_coords) == 230
    assert len(graph.lengths) == len(net.arcs) == 303
    assert graph.lengths.sum() == pytest.approx(sum(net.arc_lengths.values()), rel=REL)


def test_points_snap_where_spaghetti_snaps_them(geodanet):
    net, graph, points = geodanet
    s = snap(graph, points["crimes"])
    pattern = net.pointpatterns["crimes"]
    assert np.allclose(s.xy, [pattern.snapped_coordinates[i] for i in range(len(s.xy))], rtol=0, atol=1e-3)
    assert np.allclose(s.offset_m, [pattern.dist_snapped[i] for i in range(len(s.xy))], rtol=0, atol=1e-3)


@pytest.mark.parametrize("source, target", [("crimes", "schools"), ("crimes", "scattered"),
                                            ("scattered", "schools")])
def test_distances_agree_with_spaghettis_allneighbordistances(geodanet, source, target):
    net, graph, points = geodanet
    ours = network_distances(graph, points[source], points[target], max_snap_m=np.inf, snap_dist=False)
    theirs = net.allneighbordistances(source, target, snap_dist=False)
    assert np.isfinite(theirs).all()
    assert ours == pytest.approx(theirs, rel=REL, abs=1e-6)


def test_with_the_snap_legs_they_agree_too_except_spaghettis_same_arc_shortcut(geodanet):
    net, graph, points = geodanet
    ours = network_distances(graph, points["crimes"], points["schools"], max_snap_m=np.inf)
    theirs = net.allneighbordistances("crimes", "schools", snap_dist=True)
    src, tgt = snap(graph, points["crimes"]), snap(graph, points["schools"])
    same = src.edge[:, None] == tgt.edge[None, :]
    assert same.sum() == 10
    assert ours[~same] == pytest.approx(theirs[~same], rel=REL)
    # on one arc spaghetti measures between the snapped points only and leaves the legs out
    legs = (src.offset_m[:, None] + tgt.offset_m[None, :])[same]
    assert ours[same] == pytest.approx(theirs[same] + legs, rel=REL)


def test_the_nearest_vertex_distances_were_too_long_and_the_new_ones_are_not(geodanet):
    """The issue's finding, rerun: 95 % of the old distances longer than spaghetti's, by ~425 ft."""
    net, graph, points = geodanet
    theirs = net.allneighbordistances("crimes", "schools")
    old = nearest_vertex_distances(graph, points["crimes"], points["schools"])
    new = network_distances(graph, points["crimes"], points["schools"], max_snap_m=np.inf, snap_dist=False)
    longer = old > theirs * (1 + REL)
    assert longer.mean() > 0.9 and (old - theirs).mean() > 400
    assert not (new > theirs * (1 + REL)).any() and not (new < theirs * (1 - REL)).any()
    # so the share of crimes within 2,000 ft of a school along the streets is spaghetti's again
    within = {name: (d.min(axis=1) <= 2000).mean() for name, d in (("old", old), ("new", new), ("ref", theirs))}
    assert within["new"] == within["ref"] and within["old"] < within["ref"] - 0.05
