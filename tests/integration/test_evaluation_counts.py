"""The evaluation's counts in PostGIS against a geopandas count, and a planted effect found end to end."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import geopandas as gpd
import numpy as np
import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon, Point, box
from sqlalchemy.dialects.postgresql import Range

from geo.access import SYSTEM, Principal
from geo.analysis import evaluation as ev
from geo.db import evaluation as q
from geo.db.models import Assignment, Formation, Incident, PatrolZone, PublicPlace
from geo.domain import Role
from geo.errors import Forbidden, InvalidInput
from geo.services.evaluation import EvaluationRequest, evaluate_patrols
from geo.settings import EvaluationSettings

UTM = 32643
WEEKS, RING_M, RADIUS_M = 8, 250.0, 50.0
BEGAN = datetime(2025, 6, 2, 10, 0, tzinfo=timezone.utc)  # long over, whatever the clock
STATION_BEGAN = BEGAN + timedelta(days=10)
LATER = BEGAN + timedelta(weeks=30)  # every window is over by then
RATES = (9.0, 8.0, 10.0, 11.0, 7.0, 9.0)  # incidents a week in each zone
EFFECT = 0.4  # the planted effect at the patrolled zone, after


def wkb(geom):
    return from_shape(geom, srid=4326)


def to_utm(geoms):
    return gpd.GeoSeries(geoms, crs=4326).to_crs(UTM)


def to_wgs(points):
    return list(gpd.GeoSeries(points, crs=UTM).to_crs(4326))


def scatter(rng, area_utm, n: int, *, inside_of=None, within_m: float | None = None, margin_m: float = 10.0):
    """``n`` points in ``area_utm`` shrunk by ``margin_m`` (or in the ring from ``margin_m`` outside
    ``inside_of`` to ``within_m - margin_m``), never near an edge where metres on the spheroid and in
    UTM could disagree."""
    region = (area_utm.buffer(-margin_m) if inside_of is None else
              inside_of.buffer(within_m - margin_m).difference(inside_of.buffer(margin_m)))
    minx, miny, maxx, maxy = region.bounds
    points = []
    while len(points) < n:
        p = Point(rng.uniform(minx, maxx), rng.uniform(miny, maxy))
        if region.contains(p):
            points.append(p)
    return points


def add_incidents(session, rng, area_utm, began, rate, *, effect=1.0, ring_rate=None, category="theft"):
    """Poisson weekly counts inside ``area_utm`` and in its ring, weeks -WEEKS..WEEKS-1 of ``began``,
    plus some just beyond the ring that must not count."""
    rows = []
    for week in range(-WEEKS, WEEKS):
        factor = effect if week >= 0 else 1.0
        for part, n in (("in", rng.poisson(rate * factor)), ("ring", rng.poisson(ring_rate or rate / 2)),
                        ("beyond", 2)):
            points = (scatter(rng, area_utm, n) if part == "in" else
                      scatter(rng, None, n, inside_of=area_utm, within_m=RING_M) if part == "ring" else
                      scatter(rng, None, n, inside_of=area_utm.buffer(RING_M + 30), within_m=100))
            for p in to_wgs(points):
                moment = began + timedelta(weeks=week, seconds=float(rng.uniform(60, 7 * 86400 - 60)))
                rows.append(Incident(occurred_at=moment, category=category, source="synthetic-demo", geom=wkb(p)))
    session.add_all(rows)


@pytest.fixture(scope="module")
def world(module_session):
    s = module_session
    rng = np.random.default_rng(17)
    home = box(76.70, 43.00, 77.10, 43.20)
    formation = Formation(name="Evaluation squad", base_type="residence", home_area=wkb(MultiPolygon([home])))
    other = Formation(name="Evaluation squad 2", base_type="residence", home_area=wkb(MultiPolygon([home])))
    s.add_all([formation, other])
    s.flush()
    zones = []
    for i, rate in enumerate(RATES):
        shape = box(76.80 + 0.03 * i, 43.10, 76.804 + 0.03 * i, 43.103)
        zone = PatrolZone(name=f"Eval zone {i}", geom=wkb(shape))
        s.add(zone)
        s.flush()
        zones.append(zone.id)
        add_incidents(s, rng, to_utm([shape])[0], BEGAN, rate, effect=EFFECT if i == 0 else 1.0)
    stations = []
    for i in range(2):
        where = Point(76.80 + 0.03 * i, 43.15)
        place = PublicPlace(name=f"Eval station {i}", kind="station", geom=wkb(where))
        s.add(place)
        s.flush()
        stations.append(place.id)
        add_incidents(s, rng, to_utm([where])[0].buffer(RADIUS_M), STATION_BEGAN, 2.0, ring_rate=1.0)

    def assign(formation_id, when, status, **target):
        s.add(Assignment(formation_id=formation_id, regime="order-641", activity="8.1", status=status,
                         shift=Range(when, when + timedelta(hours=4), bounds="[)"), created_by="test", **target))
        s.flush()

    assign(formation.id, BEGAN, "confirmed", patrol_zone_id=zones[0])
    assign(formation.id, BEGAN + timedelta(days=3), "confirmed", patrol_zone_id=zones[0])  # later: not the start
    assign(other.id, BEGAN + timedelta(days=20), "proposed", patrol_zone_id=zones[5])  # patrolled: no control
    assign(other.id, BEGAN - timedelta(days=20), "rejected", patrol_zone_id=zones[4])  # never patrolled: a control
    assign(other.id, STATION_BEGAN, "confirmed", public_place_id=stations[0])
    s.commit()
    return {"zones": zones, "stations": stations}


def geopandas_weeks(session, row: q.UnitWeeks, kind: str) -> tuple[list[int], list[int]]:
    """The same weekly counts from geopandas, in UTM metres."""
    model = PatrolZone if kind == "patrol_zone" else PublicPlace
    shape = gpd.read_postgis(f"SELECT geom FROM {model.__tablename__} WHERE id = {int(row.unit_id)}",
                             session.connection(), geom_col="geom").to_crs(UTM).geometry[0]
    area = shape if shape.geom_type.endswith("Polygon") else shape.buffer(RADIUS_M, quad_segs=32)
    ring = area.buffer(RING_M, quad_segs=32).difference(area)
    incidents = gpd.read_postgis("SELECT occurred_at, geom FROM incident", session.connection(),
                                 geom_col="geom").to_crs(UTM)
    start, end = row.began - timedelta(weeks=WEEKS), row.began + timedelta(weeks=WEEKS)
    window = incidents[(incidents.occurred_at >= start) & (incidents.occurred_at < end)]
    week = ((window.occurred_at - row.began) // timedelta(weeks=1)).astype(int) + WEEKS
    inside = window.intersects(area)
    in_ring = ~inside & window.intersects(ring)
    return (np.bincount(week[inside], minlength=2 * WEEKS).tolist(),
            np.bincount(week[in_ring], minlength=2 * WEEKS).tolist())


def test_counts_in_postgis_equal_a_geopandas_count(session, world):
    rows = q.weekly_counts(session, weeks=WEEKS, ring_m=RING_M, place_radius_m=RADIUS_M)
    units = {(r.kind, r.treated_id, r.unit_id) for r in rows}
    zones, stations = world["zones"], world["stations"]
    assert {u for (k, t, u) in units if k == "patrol_zone" and t == zones[0]} >= set(zones[:5])
    assert ("patrol_zone", zones[0], zones[5]) not in units  # assigned in the window
    assert ("public_place", stations[0], stations[1]) in units
    checked = 0
    for r in rows:
        if r.unit_id in (*zones, *stations):
            target, ring = geopandas_weeks(session, r, r.kind)
            assert list(r.target_weeks) == target and list(r.ring_weeks) == ring, r.name
            checked += 1
    assert checked == 5 + 2  # zones 0-4 in zone 0's window, both stations in station 0's
    first = next(r for r in rows if r.unit_id == zones[0] and r.is_treated)
    assert first.began == BEGAN and sum(first.target_weeks) > 0


def test_a_planted_effect_is_found_end_to_end(session, world):
    request = EvaluationRequest.checked(EvaluationSettings(), controls=3, kinds=["patrol_zone"])
    found = evaluate_patrols(session, request, viewer=SYSTEM, now=LATER)
    zone = next(f for f in found if f.target_id == world["zones"][0])
    assert zone.result.effect.low <= EFFECT <= zone.result.effect.high
    assert zone.result.verdict == ev.FEWER
    assert world["zones"][5] not in zone.result.controls and len(zone.result.controls) == 3
    assert zone.as_json()["effect"]["percent"] < 0 and zone.geometry["type"] == "Polygon"


def test_small_counts_are_said_to_be_too_small(session, world):
    request = EvaluationRequest.checked(EvaluationSettings(), kinds=["public_place"])
    strict = EvaluationSettings(min_count=1_000)
    found = evaluate_patrols(session, request, viewer=SYSTEM, config=strict, now=LATER)
    assert [f.result.verdict for f in found] == [ev.TOO_SMALL]


def test_a_window_not_over_says_so_and_a_period_filter_keeps_later_patrols_out(session, world):
    request = EvaluationRequest.checked(EvaluationSettings(), kinds=["patrol_zone"])
    early = evaluate_patrols(session, request, viewer=SYSTEM, now=BEGAN + timedelta(weeks=2))
    assert {f.result.verdict for f in early} == {ev.NOT_OVER}
    later = EvaluationRequest.checked(EvaluationSettings(), began_from=BEGAN + timedelta(days=1))
    assert [f.target_id for f in evaluate_patrols(session, later, viewer=SYSTEM, now=LATER)] == [world["stations"][0]]


def test_only_analysts_evaluate_and_bad_values_are_refused(session, world):
    dispatcher = Principal(1, "d", frozenset({Role.DISPATCHER}))
    with pytest.raises(Forbidden):
        evaluate_patrols(session, EvaluationRequest.checked(EvaluationSettings()), viewer=dispatcher)
    for bad in ({"weeks": 0}, {"weeks": 53}, {"controls": 0}, {"ring_m": -5}, {"kinds": ["pasture"]},
                {"began_from": BEGAN, "began_to": BEGAN}):
        with pytest.raises(InvalidInput):
            EvaluationRequest.checked(EvaluationSettings(), **bad)
