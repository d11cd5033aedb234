"""A walking patrol route: the orienteering tour (``orienteering``) over the street metric
(``street_paths``), from a start through the hottest cells that fit in the time, back to the start.

Pure (no database): street lines, the start and the cells' points and weights in EPSG:4326 in,
the tour's line and figures out. The caller clips the streets to the target, so the route never
leaves it.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from shapely.geometry import LineString, Point
from shapely.geometry.base import BaseGeometry

from . import orienteering
from .network import build_graph
from .street_paths import join_points, snapped_points, tour_line


@dataclass(frozen=True)
class RoutePlan:
    """The tour: its ``line`` (start to start, EPSG:4326), the ``start`` where it joins the streets
    and how far that is from the start asked for (``start_offset_m``), the visited cells (indices into
    the cells given, in order, with the point where each is passed), the length, the weight visited
    and all the weight that could be reached, and how the solver ended."""

    line: LineString | None
    start: Point
    start_offset_m: float
    stops: tuple[int, ...]
    stop_points: tuple[Point, ...]
    length_m: float
    weight: float
    weight_reachable: float
    status: str
    gap: float


def plan_route(lines: Sequence[BaseGeometry], start: BaseGeometry, points: Sequence[BaseGeometry],
               weights: Sequence[float], *, budget_m: float, dwell_m: float = 0.0, max_snap_m: float = 150.0,
               exact_max: int = 40, time_limit_s: float = 10.0, tolerance_m: float = 1.0) -> RoutePlan | None:
    """The tour through as much of ``weights`` (at ``points``) as fits in ``budget_m`` metres
    (``dwell_m`` more per cell visited), along ``lines``, from and back to ``start``.

    The start joins the nearest street whatever the distance (the route then starts there); a
    cell joins its nearest street within ``max_snap_m`` or is left out. None when there are no
    streets at all.

    Examples
    --------
    >>> from shapely.geometry import LineString, Point
    >>> street = LineString([(76.90, 43.25), (76.91, 43.25)])
    >>> plan = plan_route([street], Point(76.90, 43.25), [Point(76.905, 43.25), Point(76.91, 43.25)],
    ...                   [1.0, 2.0], budget_m=1000)
    >>> plan.stops, round(plan.length_m)
    ((0,), 812)
    """
    graph = build_graph(lines, tolerance_m=tolerance_m)
    if not len(graph.lines):
        return None
    joined = join_points(graph, [start, *points], max_snap_m=np.inf)
    joined_cells = joined.snapped.offset_m[1:] <= max_snap_m
    d, preds = joined.distances()
    d[1:, :][~joined_cells] = np.inf
    d[:, 1:][:, ~joined_cells] = np.inf
    w = np.asarray(weights, float)
    reachable = np.isfinite(d[0, 1:]) & (w > 0)
    tour = orienteering.solve(d, np.where(reachable, w, 0.0), budget_m=budget_m, dwell_m=dwell_m,
                              exact_max=exact_max, time_limit_s=time_limit_s)
    on_streets = snapped_points(joined)
    stops = tuple(i - 1 for i in tour.order)
    line = tour_line(joined, preds, [0, *tour.order, 0]) if tour.order else None
    return RoutePlan(line, on_streets[0], float(joined.snapped.offset_m[0]), stops,
                     tuple(on_streets[i + 1] for i in stops), tour.length_m, tour.weight,
                     float(w[reachable].sum()), tour.status, tour.gap)


def nearest_tour(d: np.ndarray, weights: np.ndarray, *, budget_m: float, dwell_m: float = 0.0) -> tuple[int, ...]:
    """The baseline a dispatcher would draw by hand: the cells nearest the start, as many as fit,
    each set walked in its shortest order (``orienteering.shortest_order``).

    >>> d = np.array([[0., 1, 5], [1, 0, 5], [5, 5, 0]])
    >>> nearest_tour(d, np.array([1.0, 3.0]), budget_m=3)
    (1,)
    """
    by_distance = [int(i) + 1 for i in np.argsort(d[0, 1:], kind="stable")
                   if np.isfinite(d[0, i + 1]) and weights[i] > 0]
    best: tuple[int, ...] = ()
    for k in range(1, len(by_distance) + 1):
        order = orienteering.shortest_order(d, by_distance[:k])
        if orienteering.tour_length(d, order) + dwell_m * k > budget_m + 1e-9:
            break
        best = tuple(order)
    return best
