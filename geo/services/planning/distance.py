"""The planner's travel distances: along the streets where they are loaded, else in a straight line.

The straight line (from a point inside the formation's home area to the nearest point of the
target, on the spheroid) comes with the eligibility mask. Where street segments are stored and
``distance`` allows it, each pair is measured instead from that home point to the target's point
on surface along the streets of the area (``geo.analysis.network``: each point joins the street
network at the nearest point of its nearest street, and the legs from the points to the streets
count). Walking distances: a street's ``one_way`` does not bind pedestrians and is not read. A pair the streets cannot join (a point more than ``max_snap_m`` from any
street, or on a piece of the network cut off from the other's) keeps its straight line, so a
partly loaded network never makes a target unreachable; how many pairs did is reported. A home
point already within the target (straight line 0) needs no travel either way.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import shapely
from sqlalchemy.orm import Session

from ...analysis.network import build_graph, network_distances
from ...db import network as db
from ...errors import InvalidInput
from ...messages import N_, Message

DISTANCES = ("network", "straight")
MARGIN_M = 2000.0       # streets this far beyond the formations and targets may carry a shorter path
TOLERANCE_M = 1.0       # street vertices closer than this are one junction
MAX_SNAP_M = 500.0      # a point farther from every street is not on the network


@dataclass(frozen=True)
class Travel:
    """Metres per (formation, target); ``distance`` is how they were measured, ``straight_pairs``
    how many pairs kept the straight line although the network was used."""

    travel_m: np.ndarray
    distance: str
    straight_pairs: int = 0


def check_distance(distance: str | None) -> str | None:
    if distance is not None and distance not in DISTANCES:
        raise InvalidInput(Message("distance.distance-one-left",
                                   N_("distance must be one of %(DISTANCES)s (or left out: the network where the "
                                      "streets are loaded), not %(distance)r"),
                                   DISTANCES=', '.join(DISTANCES), distance=distance))
    return distance


def travel(session: Session, straight_m: np.ndarray, formation_ids: Sequence[int], targets: Sequence, *,
           distance: str | None = None) -> Travel:
    """Travel metres of ``formation_ids`` × ``targets`` (each with a ``geometry`` in EPSG:4326).

    ``distance``: "network" or "straight"; None means the network when any street is loaded.
    Asking for the network where no street is loaded measures in a straight line (and says so).
    """
    wanted = check_distance(distance) or "network"
    if wanted == "straight" or not len(formation_ids) or not len(targets) or not db.has_segments(session):
        return Travel(straight_m, "straight")
    homes = db.home_points(session, formation_ids)
    sources = [homes[i] for i in formation_ids]
    points = [shapely.point_on_surface(t.geometry) for t in targets]
    bounds = shapely.total_bounds(np.array(sources + points, dtype=object))
    lines = db.segments_within(session, tuple(bounds), margin_m=MARGIN_M)
    if not lines:
        return Travel(straight_m, "straight")
    graph = build_graph(lines, tolerance_m=TOLERANCE_M)
    along = network_distances(graph, sources, points, max_snap_m=MAX_SNAP_M, snap_dist=True)
    unjoined = ~np.isfinite(along)
    measured = np.where(unjoined, straight_m, along)
    return Travel(np.where(straight_m == 0, 0.0, measured), "network", int(unjoined.sum()))
