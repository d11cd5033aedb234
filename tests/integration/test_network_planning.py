"""Travel along stored street segments in shift plans, against a real PostGIS (rolled back)."""
from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from pyproj import Geod, Transformer
from shapely.geometry import LineString, Point, box
from sqlalchemy import func, select

from geo.access import SYSTEM
from geo.db import network as db
from geo.db import planning as plan_db
from geo.db.models import StreetSegment
from geo.errors import InvalidInput
from geo.services import PlanRequest, accept_plan, propose_plan
from geo.services.planning.distance import travel

from tests.integration.test_planning_service import END, START, ZONE_ONLY, formation, incident
from tests.support.dispatch_world import wkb, world  # noqa: F401  (fixture)

TO_M = Transformer.from_crs(4326, 32643, always_xy=True).transform
TO_WGS = Transformer.from_crs(32643, 4326, always_xy=True).transform
GEOD = Geod(ellps="WGS84")


def street(session, *lonlat) -> None:
    line = LineString(lonlat)
    session.add(StreetSegment(name="test street", highway="residential", length_m=GEOD.geometry_length(line),
                              geom=wkb(line)))


def offset(origin: Point, dx: float, dy: float) -> tuple[float, float]:
    """The point ``dx``, ``dy`` metres (UTM 43N) from ``origin``, as (lon, lat)."""
    x, y = TO_M(origin.x, origin.y)
    return TO_WGS(x + dx, y + dy)


@pytest.fixture
def home(session, world):
    """A formation with a small home area and the point travel is measured from."""
    fid = formation(session, world, "Street watch", box(76.95, 43.26, 76.952, 43.262), 0)
    return fid, db.home_points(session, [fid])[fid]


def straight(session, fid, targets) -> np.ndarray:
    reach = plan_db.home_area_reach(session, [fid], [(i, t.geometry.wkb) for i, t in enumerate(targets)], allowance_m=0)
    return np.array([[reach[(fid, i)].travel_m for i in range(len(targets))]])


def test_travel_follows_the_streets_where_they_are_loaded(session, world, home):
    fid, origin = home
    corner, target = offset(origin, 0, 800), offset(origin, 600, 800)
    beyond = offset(origin, 600, 0)  # a dead end: the streets go round, the straight line does not
    street(session, (origin.x, origin.y), corner, target)
    street(session, target, offset(origin, 600, 300))
    street(session, offset(origin, 600, 300), offset(origin, 600, 250))
    street(session, offset(origin, 3000, 3000), offset(origin, 3100, 3000))  # a piece of its own
    session.flush()
    targets = [SimpleNamespace(geometry=Point(*target)), SimpleNamespace(geometry=Point(*beyond)),
               SimpleNamespace(geometry=Point(*offset(origin, 3000, 3000)))]
    line_m = straight(session, fid, targets)
    measured = travel(session, line_m, [fid], targets)
    assert measured.distance == "network"
    # 800 m north then 600 m east; the dead end at (600, 250) leaves 250 m to walk to (600, 0)
    assert measured.travel_m[0, 0] == pytest.approx(1400.0, abs=0.5)
    assert measured.travel_m[0, 1] == pytest.approx(800 + 600 + 550 + 250, abs=0.5)
    assert (measured.travel_m[0, :2] >= line_m[0, :2]).all()
    assert line_m[0, 0] == pytest.approx(1000.0, rel=2e-3)  # the hypotenuse, on the spheroid
    # the piece of its own cannot be reached along the streets: the straight line stays
    assert measured.travel_m[0, 2] == line_m[0, 2] and measured.straight_pairs == 1
    assert travel(session, line_m, [fid], targets, distance="straight").distance == "straight"


def test_only_streets_near_the_area_are_read_and_without_any_the_line_is_straight(session, world, home):
    fid, origin = home
    targets = [SimpleNamespace(geometry=Point(*offset(origin, 500, 0)))]
    line_m = straight(session, fid, targets)
    assert travel(session, line_m, [fid], targets, distance="network").distance == "straight"
    street(session, offset(origin, 0, 0), offset(origin, 500, 0))
    street(session, offset(origin, 50_000, 0), offset(origin, 50_500, 0))
    session.flush()
    assert db.segment_count(session) == 2
    near = db.segments_within(session, (origin.x, origin.y, origin.x, origin.y), margin_m=1000)
    assert len(near) == 1
    with pytest.raises(InvalidInput, match="distance must be one of"):
        travel(session, line_m, [fid], targets, distance="walking")


def test_a_plan_with_network_distances_keeps_every_rule(session, world):
    kemel = formation(session, world, "Kemel", ZONE_ONLY, 5)
    incident(session, "2026-11-28 19:00", 76.925, 43.245)
    for k in range(9):  # a grid of streets every 0.01° over the unit's jurisdiction
        street(session, *[(76.90 + 0.01 * k, 43.22 + 0.01 * j) for j in range(7)])
        for j in range(7):
            if k < 8:
                street(session, (76.90 + 0.01 * k, 43.22 + 0.01 * j), (76.91 + 0.01 * k, 43.22 + 0.01 * j))
    session.flush()
    by_line = propose_plan(session, PlanRequest(START, END, distance="straight"), viewer=SYSTEM)
    along = propose_plan(session, PlanRequest(START, END, distance="network"), viewer=SYSTEM)
    by_default = propose_plan(session, PlanRequest(START, END), viewer=SYSTEM)
    assert by_line.options["distance"] == "straight"
    assert along.options["distance"] == by_default.options["distance"] == "network"
    key = lambda p: {(i.formation_id, i.target_kind, i.target_id): i.travel_m for i in p.items}  # noqa: E731
    assert set(key(along)) == set(key(by_line)) == {(world.formation, "event", world.event),
                                                     (kemel, "patrol_zone", world.zone)}
    assert all(key(along)[k] >= key(by_line)[k] - 1e-6 for k in key(along))
    assert along.coverage_percent == 100.0 and along.status == "optimal"
    results = accept_plan(session, actor=SYSTEM, items=[i.request() for i in along.items])
    assert [r["stored"] for r in results] == [True, True]
    with pytest.raises(InvalidInput, match="distance"):
        propose_plan(session, PlanRequest(START, END, distance="crow"), viewer=SYSTEM)
    assert session.scalar(select(func.count()).select_from(StreetSegment)) == 9 + 8 * 7
