"""Street-network distances on a tiny hand-built grid, drawn in UTM metres (EPSG:32643) and stored in WGS 84."""
from __future__ import annotations

import math

import numpy as np
import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point
import shapely

from geo.analysis.network import build_graph, distance_matrix, network_distances, snap

TO_WGS = Transformer.from_crs(32643, 4326, always_xy=True).transform


def transform(project, geom):
    return shapely.transform(geom, lambda x, y: project(x, y), interleaved=False)
X0, Y0 = 650_000.0, 4_790_000.0  # central Almaty in UTM 43N


def line(*xy) -> LineString:
    """A line through points given in metres from (X0, Y0), in EPSG:4326."""
    return transform(TO_WGS, LineString([(X0 + x, Y0 + y) for x, y in xy]))


def point(x: float, y: float) -> Point:
    return transform(TO_WGS, Point(X0 + x, Y0 + y))


def grid(skip: tuple = ()) -> list[LineString]:
    """A 3 × 3 grid of nodes 100 m apart, one line per block, minus the blocks in ``skip``."""
    lines = []
    for k in range(3):
        for j in range(2):
            for block in (((j * 100, k * 100), ((j + 1) * 100, k * 100)),
                          ((k * 100, j * 100), (k * 100, (j + 1) * 100))):
                if block not in skip:
                    lines.append(line(*block))
    return lines


def test_a_shortest_path_follows_the_blocks():
    d = distance_matrix(grid(), [point(0, 0)], [point(200, 200), point(100, 0), point(0, 0)])
    assert d[0] == pytest.approx([400.0, 100.0, 0.0], abs=1e-3)


def test_a_missing_block_makes_the_path_go_round():
    d = distance_matrix(grid(skip=(((0, 0), (100, 0)),)), [point(0, 0)], [point(100, 0)])
    assert d[0, 0] == pytest.approx(300.0, abs=1e-3)  # up, across, down


def test_a_whole_line_with_bends_is_one_chain_of_edges():
    g = build_graph([line((0, 0), (100, 0), (100, 100), (200, 100))])
    assert len(g.nodes) == 4 and g.edges.nnz == 6
    d = network_distances(g, [point(0, 0)], [point(200, 100)])
    assert d[0, 0] == pytest.approx(300.0, abs=1e-3)


def test_a_disconnected_piece_is_unreachable():
    lines = grid() + [line((1000, 0), (1100, 0))]
    g = build_graph(lines)
    assert g.components == 2
    d = network_distances(g, [point(0, 0)], [point(1000, 0), point(200, 0)])
    assert math.isinf(d[0, 0]) and d[0, 1] == pytest.approx(200.0, abs=1e-3)


def test_lines_that_cross_without_a_shared_vertex_do_not_meet():
    bridge = [line((0, 50), (100, 50)), line((50, 0), (50, 100))]
    d = distance_matrix(bridge, [point(0, 50)], [point(50, 0)])
    assert math.isinf(d[0, 0])


def test_ends_within_the_tolerance_are_merged():
    gap = [line((0, 0), (100, 0)), line((100.4, 0), (200, 0))]
    assert distance_matrix(gap, [point(0, 0)], [point(200, 0)], tolerance_m=1.0)[0, 0] == pytest.approx(200, abs=0.5)
    assert math.isinf(distance_matrix(gap, [point(0, 0)], [point(200, 0)], tolerance_m=0.1)[0, 0])


def test_points_snap_to_the_nearest_point_of_the_nearest_street_and_the_snap_is_counted():
    g = build_graph(grid())
    s = snap(g, [point(30, -40), point(190, 104)])
    assert s.offset_m == pytest.approx([40.0, 4.0], abs=1e-3)
    assert np.allclose(s.xy, [(X0 + 30, Y0), (X0 + 190, Y0 + 100)], atol=1e-3)
    first = g.nodes[g.ends[s.edge[0]]] - (X0, Y0)
    assert {tuple(np.round(xy)) for xy in first} == {(0.0, 0.0), (100.0, 0.0)}
    assert s.along_m[0] == pytest.approx(30.0 if round(first[0][0]) == 0 else 70.0, abs=1e-3)
    d = network_distances(g, [point(30, -40)], [point(190, 104)])
    # 40 to the street, 70 east, 100 north, 90 east, 4 to the point
    assert d[0, 0] == pytest.approx(40 + 70 + 100 + 90 + 4, abs=1e-3)
    legs_apart = network_distances(g, [point(30, -40)], [point(190, 104)], snap_dist=False)
    assert legs_apart[0, 0] == pytest.approx(70 + 100 + 90, abs=1e-3)


def test_two_points_on_one_block_go_straight_along_it():
    g = build_graph(grid())
    d = network_distances(g, [point(20, 5)], [point(70, -3), point(20, 5)], snap_dist=False)
    assert d[0] == pytest.approx([50.0, 0.0], abs=1e-6)
    # with the legs: 5 + 50 + 3, not round through a corner
    assert network_distances(g, [point(20, 5)], [point(70, -3)])[0, 0] == pytest.approx(58.0, abs=1e-6)


def test_a_point_in_mid_block_leaves_by_the_nearer_end_the_path_needs():
    g = build_graph([line((0, 0), (1000, 0)), line((1000, 0), (1000, 500))])
    d = network_distances(g, [point(900, 0), point(100, 0)], [point(1000, 500)])
    assert d[:, 0] == pytest.approx([600.0, 1400.0], abs=1e-3)
    by_node = network_distances(g, [point(400, 0)], [point(0, 0), point(1000, 0)])
    assert by_node[0] == pytest.approx([400.0, 600.0], abs=1e-3)


def test_a_point_on_a_node_is_joined_at_no_extra_length():
    g = build_graph(grid())
    d = network_distances(g, [point(100, 100)], [point(200, 200), point(100, 100)])
    assert d[0] == pytest.approx([200.0, 0.0], abs=1e-6)


def test_a_point_beyond_max_snap_is_unreachable():
    g = build_graph(grid())
    d = network_distances(g, [point(0, 0), point(-900, 0)], [point(200, 0)], max_snap_m=500)
    assert d[0, 0] == pytest.approx(200.0, abs=1e-3) and math.isinf(d[1, 0])


def test_of_two_lines_between_the_same_nodes_the_shorter_counts():
    g = build_graph([line((0, 0), (0, 100), (100, 100), (100, 0)), line((0, 0), (100, 0))])
    d = network_distances(g, [point(0, 0)], [point(100, 0)])
    assert d[0, 0] == pytest.approx(100.0, abs=1e-3)


def test_network_distance_is_never_shorter_than_the_straight_line():
    rng = np.random.default_rng(5)
    sources = [point(*xy) for xy in rng.uniform(-50, 250, (6, 2))]
    targets = [point(*xy) for xy in rng.uniform(-50, 250, (7, 2))]
    d = distance_matrix(grid(), sources, targets)
    g = build_graph(grid())
    to_m = Transformer.from_crs(4326, g.crs, always_xy=True).transform
    straight = np.array([[transform(to_m, s).distance(transform(to_m, t)) for t in targets] for s in sources])
    assert (d >= straight - 1e-6).all()


def test_no_streets_means_every_distance_is_unreachable():
    d = distance_matrix([], [point(0, 0)], [point(1, 1)])
    assert d.shape == (1, 1) and math.isinf(d[0, 0])


def test_a_point_near_a_long_block_is_on_the_network_though_far_from_its_corners():
    g = build_graph([line((0, 0), (2000, 0))])
    d = network_distances(g, [point(1000, 100)], [point(2000, 0)], max_snap_m=500)
    assert d[0, 0] == pytest.approx(100 + 1000, abs=1e-3)  # its corners are 1005 m away


@pytest.mark.parametrize("snap_dist", [True, False])
def test_distances_are_symmetric_and_keep_the_triangle_inequality(snap_dist):
    rng = np.random.default_rng(7)
    points = [point(*xy) for xy in rng.uniform(-30, 230, (25, 2))]
    points += [point(x, 100) for x in rng.uniform(0, 200, 5)]  # several on one street, some on one block
    g = build_graph(grid())
    d = network_distances(g, points, points, snap_dist=snap_dist)
    assert np.isfinite(d).all()
    assert np.allclose(d, d.T, atol=1e-6)
    legs = 2 * snap(g, points).offset_m if snap_dist else np.zeros(len(points))
    assert np.diag(d) == pytest.approx(legs, abs=1e-6)  # from a point to itself: there and back
    through = (d[:, :, None] + d[None, :, :]).min(axis=1)  # i → j → k, the best j
    assert (d <= through + 1e-6).all()



@pytest.mark.parametrize("max_snap_m", [0.5, 0.0])
def test_a_short_reach_joins_only_points_that_close_to_a_street(max_snap_m):
    s = snap(build_graph(grid()), [point(50, 0.3), point(50, 1)], max_snap_m=max_snap_m)
    assert list(s.joined) == [max_snap_m > 0.3, False]
    assert np.isinf(s.offset_m[1]) and s.edge[1] == -1


def test_sources_joining_at_one_place_get_the_same_row_plus_their_own_legs():
    g = build_graph(grid())
    d = network_distances(g, [point(50, 10), point(150, 0), point(50, -20)], [point(200, 200), point(0, 0)])
    assert d[0] == pytest.approx([10 + 350, 10 + 50], abs=1e-3)
    assert d[2] == pytest.approx([20 + 350, 20 + 50], abs=1e-3)
    assert d[1] == pytest.approx([250, 150], abs=1e-3)
