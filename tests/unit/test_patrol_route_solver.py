"""The walking patrol route's solver: the orienteering MIP against brute force over every subset and
order of small random instances, the heuristic never better than that and always within the time,
and a hand-built street graph (UTM metres, stored in WGS 84) whose best tour is known."""
from __future__ import annotations

import itertools

import numpy as np
import pytest
import shapely
from pyproj import Transformer
from scipy.sparse.csgraph import shortest_path
from shapely.geometry import LineString, Point

from geo.analysis import orienteering
from geo.analysis.network import build_graph, network_distances
from geo.analysis.patrol_routes import nearest_tour, plan_route
from geo.analysis.street_paths import join_points

TO_WGS = Transformer.from_crs(32643, 4326, always_xy=True).transform
TO_UTM = Transformer.from_crs(4326, 32643, always_xy=True).transform
X0, Y0 = 650_000.0, 4_790_000.0  # central Almaty in UTM 43N


def line(*xy) -> LineString:
    return shapely.transform(LineString([(X0 + x, Y0 + y) for x, y in xy]), lambda x, y: TO_WGS(x, y),
                             interleaved=False)


def point(x: float, y: float) -> Point:
    return shapely.transform(Point(X0 + x, Y0 + y), lambda x, y: TO_WGS(x, y), interleaved=False)


def brute_force(d: np.ndarray, w: np.ndarray, budget: float, dwell: float) -> float:
    """The most weight of any subset whose shortest order fits (every subset, every order)."""
    best = 0.0
    n = len(w)
    for r in range(1, n + 1):
        for subset in itertools.combinations(range(1, n + 1), r):
            length = min(orienteering.tour_length(d, p) for p in itertools.permutations(subset))
            if length + dwell * r <= budget + 1e-9:
                best = max(best, float(w[np.array(subset) - 1].sum()))
    return best


def instance(seed: int):
    rng = np.random.default_rng(seed)
    n = int(rng.integers(2, 8))
    xy = rng.uniform(0, 1000, (n + 1, 2))
    d = np.hypot(*(xy[:, None, :] - xy[None, :, :]).transpose(2, 0, 1))
    d = d * rng.uniform(1.0, 1.4, d.shape)  # not Euclidean, nor symmetric: streets wind
    d = shortest_path(d, directed=True)  # but a shortest-path metric, as distances along streets are
    w = rng.integers(1, 10, n).astype(float)
    return d, w, float(rng.uniform(400, 3500)), float(rng.choice([0.0, 150.0]))


@pytest.mark.parametrize("seed", range(30))
def test_the_mip_tour_weighs_what_brute_force_over_every_subset_and_order_finds(seed):
    d, w, budget, dwell = instance(seed)
    tour = orienteering.solve(d, w, budget_m=budget, dwell_m=dwell, time_limit_s=30)
    assert tour.weight == pytest.approx(brute_force(d, w, budget, dwell))
    assert tour.status in ("optimal", "heuristic")
    assert orienteering.tour_length(d, tour.order) == pytest.approx(tour.length_m)
    assert tour.length_m + dwell * len(tour.order) <= budget + 1e-6
    assert len(set(tour.order)) == len(tour.order)


@pytest.mark.parametrize("seed", range(30))
def test_the_heuristic_tour_fits_and_never_beats_brute_force(seed):
    d, w, budget, dwell = instance(seed)
    tour = orienteering.heuristic(d, w, budget_m=budget, dwell_m=dwell)
    assert tour.length_m + dwell * len(tour.order) <= budget + 1e-6
    assert tour.weight <= brute_force(d, w, budget, dwell) + 1e-9


def test_the_heuristic_finds_the_optimum_on_most_small_instances():
    hits = sum(orienteering.heuristic(*instance(s)[:2], budget_m=instance(s)[2], dwell_m=instance(s)[3]).weight
               >= brute_force(*instance(s)) - 1e-9 for s in range(30))
    assert hits >= 27


@pytest.mark.parametrize("seed", range(8))
def test_the_shortest_order_is_the_shortest_permutation(seed):
    d, _, _, _ = instance(seed + 100)
    stops = list(range(1, len(d)))
    best = min(orienteering.tour_length(d, p) for p in itertools.permutations(stops))
    assert orienteering.tour_length(d, orienteering.shortest_order(d, stops)) == pytest.approx(best)


def test_nothing_fits_an_empty_tour():
    d = np.array([[0.0, 600.0], [600.0, 0.0]])
    tour = orienteering.solve(d, np.array([5.0]), budget_m=1000)
    assert tour.order == () and tour.weight == 0 and tour.length_m == 0


# A hand-built street graph: a main street 1000 m east of the start S, a side street 400 m north of
# S and a loop street joining the main street's east end to the side street's top (1000 + 400 m).
#
#   C(0,400) ------------ loop ------------+ (1000,400)
#   |                                       |
#   S(0,0) --- A(200,0) ------------------ B(1000,0)
STREETS = [line((0, 0), (200, 0), (1000, 0)), line((0, 0), (0, 400)),
           line((0, 400), (1000, 400), (1000, 0))]
CELLS = [point(200, 5), point(1000, -5), point(0, 400)]
WEIGHTS = [1.0, 5.0, 4.0]


@pytest.mark.parametrize(("budget_m", "stops", "length_m"), [
    (1300, {0, 2}, 1200),  # A and C out and back: 400 + 800 (B alone would be 2000)
    (2100, {0, 1}, 2000),  # A and B along the main street and back: 6 beats C + A's 5
    (2900, {0, 1, 2}, 2800),  # the loop: 1000 + 400 + 1000 + 400
    (300, set(), 0),  # nothing fits
])
def test_on_a_hand_built_street_graph_the_route_is_the_known_best(budget_m, stops, length_m):
    plan = plan_route(STREETS, point(0, 0), CELLS, WEIGHTS, budget_m=budget_m, max_snap_m=50)
    assert set(plan.stops) == stops
    assert plan.length_m == pytest.approx(length_m, abs=1.0)
    assert plan.weight == sum(WEIGHTS[i] for i in stops)
    assert plan.weight_reachable == sum(WEIGHTS)
    if stops:
        assert plan.line.coords[0] == pytest.approx(plan.line.coords[-1])
        utm = shapely.transform(plan.line, lambda x, y: TO_UTM(x, y), interleaved=False)
        assert utm.length == pytest.approx(length_m, abs=1.0)
        streets = shapely.union_all([shapely.transform(s, lambda x, y: TO_UTM(x, y), interleaved=False)
                                     for s in STREETS])
        assert all(streets.distance(Point(xy)) < 0.01 for xy in utm.coords)
    else:
        assert plan.line is None


def test_a_dwell_time_per_cell_makes_the_tour_leave_cells_out():
    plan = plan_route(STREETS, point(0, 0), CELLS, WEIGHTS, budget_m=3000, dwell_m=100, max_snap_m=50)
    assert set(plan.stops) == {1, 2}  # the loop through B and C, 2800 m and two dwells, not all three (3100)
    assert plan.weight == 9.0


def test_a_cell_far_from_every_street_is_left_out():
    plan = plan_route(STREETS, point(0, 0), [*CELLS, point(500, 200)], [*WEIGHTS, 100.0], budget_m=5000,
                      max_snap_m=50)
    assert 3 not in plan.stops and plan.weight_reachable == sum(WEIGHTS)


def test_the_start_off_the_streets_joins_the_nearest_street():
    plan = plan_route(STREETS, point(-80, 0), CELLS, WEIGHTS, budget_m=2100, max_snap_m=50)
    assert plan.start_offset_m == pytest.approx(80, abs=0.5)
    assert shapely.transform(plan.start, lambda x, y: TO_UTM(x, y), interleaved=False).distance(
        Point(X0, Y0)) < 0.5


def test_the_nearest_cells_baseline_takes_the_nearest_that_fit():
    plan_d = np.array([[0, 200, 1000, 400], [200, 0, 800, 600], [1000, 800, 0, 1400], [400, 600, 1400, 0]], float)
    assert set(nearest_tour(plan_d, np.array(WEIGHTS), budget_m=2100)) == {1, 3}  # A, C: B no longer fits


def test_joined_distances_equal_the_network_distances_between_snaps():
    rng = np.random.default_rng(7)
    lines = [line((x, 0), (x, 300)) for x in (0, 100, 200, 300)] + [line((0, y), (300, y)) for y in (0, 150, 300)]
    pts = [point(*xy) for xy in rng.uniform(-20, 320, (12, 2))]
    graph = build_graph(lines)
    expected = network_distances(graph, pts, pts, snap_dist=False)
    got, _ = join_points(graph, pts).distances()
    np.testing.assert_allclose(got, expected, atol=1e-6)


def test_a_cell_where_the_start_joins_the_streets_is_a_tour_of_no_length():
    plan = plan_route(STREETS, point(0, 0), [point(-3, 0)], [3.0], budget_m=100, max_snap_m=50)
    assert plan.stops == (0,) and plan.length_m == pytest.approx(0, abs=1e-6) and len(plan.line.coords) == 2
