"""Walking patrol routes on the Almaty demo's streets and incidents (real PostGIS, rolled back): each
route stays on the streets and inside its target, fits in the shift, and visits at least the weight
of the shortest tour through the cells nearest its start (more on some), and a stored run's cell
counts are used where a run covers the target."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
import pytest
import shapely
from geoalchemy2.shape import to_shape
from shapely.geometry import box
from sqlalchemy import func, select, text
from sqlalchemy.dialects.postgresql import Range

from geo.access import SYSTEM
from geo.analysis import orienteering
from geo.analysis.network import build_graph
from geo.analysis.patrol_routes import nearest_tour
from geo.analysis.street_paths import join_points
from geo.crs import utm_crs_for
from geo.db import patrol_routes as q
from geo.db.models import AnalysisCell, AnalysisRun, Assignment, Formation, PatrolRoute, PatrolZone
from geo.demo import load_demo
from geo.services import routes
from geo.settings import RouteSettings

TZ = ZoneInfo("Asia/Almaty")
NOW = datetime(2026, 12, 1, tzinfo=TZ)
SETTINGS = RouteSettings(time_limit_s=3.0)
SHIFTS = [(datetime(2026, 12, 10, 18, tzinfo=TZ), datetime(2026, 12, 10, 22, tzinfo=TZ)),
          (datetime(2026, 12, 11, 19, tzinfo=TZ), datetime(2026, 12, 11, 21, tzinfo=TZ))]

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def demo(module_session, shared_data):
    """The demo loaded once, and an assignment of each patrol zone for each shift (4 h and 2 h)."""
    load_demo(module_session, shared_data, seed=641, replace=False, now=NOW)
    formations = list(module_session.scalars(select(Formation.id).order_by(Formation.id)))
    zones = list(module_session.scalars(select(PatrolZone.id).order_by(PatrolZone.id)))
    ids = []
    for k, (starts, ends) in enumerate(SHIFTS):
        for j, zone in enumerate(zones):
            a = Assignment(formation_id=formations[j % len(formations)], patrol_zone_id=zone, regime="order-641",
                           activity="8.1", shift=Range(starts, ends, bounds="[)"), status="proposed",
                           created_by="test")
            module_session.add(a)
            module_session.flush()
            ids.append(a.id)
    module_session.commit()
    return ids


def facts(session, assignment_id):
    """What the service plans from, read again: the target, its area, streets and candidate cells."""
    a = session.get(Assignment, assignment_id)
    target = to_shape(session.get(PatrolZone, a.patrol_zone_id).geom)
    area = q.route_area(session, target, margin_m=SETTINGS.margin_m, point_radius_m=SETTINGS.point_radius_m)
    at = target.representative_point()
    cells = q.band_cells(session, area, hour_band=routes.hour_band(a.shift.lower, a.shift.upper, TZ),
                         timezone="Asia/Almaty", srid=utm_crs_for(at.x, at.y).to_epsg(), cell_m=SETTINGS.cell_m,
                         cap=SETTINGS.max_candidates)
    return a, target, q.route_streets(session, area), cells


def nearest_baseline(route, streets, cells, shift_min) -> float:
    """The weight of the shortest tour through the cells nearest the route's start that fit in the shift."""
    m_per_min = SETTINGS.walking_kmh * 1000 / 60
    joined = join_points(build_graph(streets), [shapely.geometry.Point(route["start"]["lon"], route["start"]["lat"]),
                                                *[c.point for c in cells]])
    d, _ = joined.distances()
    far = joined.snapped.offset_m[1:] > SETTINGS.max_snap_m
    d[1:, :][far] = np.inf
    d[:, 1:][:, far] = np.inf
    w = np.array([c.weight for c in cells])
    order = nearest_tour(d, w, budget_m=shift_min * m_per_min, dwell_m=SETTINGS.dwell_min * m_per_min)
    assert orienteering.tour_length(d, order) + SETTINGS.dwell_min * m_per_min * len(order) <= \
        shift_min * m_per_min + 1e-6
    return float(w[np.asarray(order, int) - 1].sum()) if order else 0.0


def test_demo_routes_stay_on_the_streets_inside_the_target_within_the_shift_and_beat_the_nearest_cells(
        session, demo):
    gains = []
    for assignment_id in demo:
        a, target, streets, cells = facts(session, assignment_id)
        starts = routes.route_starts(session, assignment_id, viewer=SYSTEM, settings=SETTINGS)
        start = routes.Start(starts[0]["kind"], starts[0]["id"]) if starts else routes.Start(
            lon=target.centroid.x, lat=target.centroid.y)
        feature = routes.plan_route(session, assignment_id, start=start, actor=SYSTEM, settings=SETTINGS)
        p = feature["properties"]
        shift_min = (a.shift.upper - a.shift.lower).total_seconds() / 60
        assert p["minutes"] <= shift_min + 1e-6 and p["shift_minutes"] == shift_min
        assert p["source"] == "incidents" and p["weight"] <= p["weight_available"]
        # every vertex lies within a metre of a stored street, and the whole line inside the target
        # (grown by the margin the streets along its edge are kept with)
        stored = bytes(session.scalar(select(func.ST_AsBinary(PatrolRoute.geom))
                                      .where(PatrolRoute.assignment_id == assignment_id)))
        off_street = session.scalar(text(
            "SELECT count(*) FROM (SELECT (ST_DumpPoints(ST_GeomFromWKB(:g, 4326))).geom AS v) p WHERE NOT EXISTS ("
            " SELECT 1 FROM street_segment s WHERE s.geom && ST_Expand(p.v, 0.0001)"
            " AND ST_DWithin(s.geom::geography, p.v::geography, 1.0))"), {"g": stored})
        assert off_street == 0, assignment_id
        inside = session.scalar(text(
            "SELECT ST_CoveredBy(ST_GeomFromWKB(:g, 4326), ST_Buffer(z.geom::geography, :m)::geometry) FROM patrol_zone z WHERE z.id = :z"),
            {"g": stored, "m": SETTINGS.margin_m + 1.0, "z": a.patrol_zone_id})
        assert inside, assignment_id
        line = shapely.geometry.shape(feature["geometry"])
        assert line.coords[0] == pytest.approx(line.coords[-1])
        baseline = nearest_baseline(p, streets, cells, shift_min)
        assert p["weight"] >= baseline - 1e-9, assignment_id
        gains.append(p["weight"] - baseline)
    assert max(gains) > 0  # on at least one demo assignment the tour visits strictly more


def test_planning_again_replaces_the_route(session, demo):
    a, target, _, _ = facts(session, demo[0])
    for lon in (target.centroid.x, target.centroid.x + 0.001):
        routes.plan_route(session, demo[0], start=routes.Start(lon=lon, lat=target.centroid.y), actor=SYSTEM,
                          settings=SETTINGS)
    rows = session.scalars(select(PatrolRoute).where(PatrolRoute.assignment_id == demo[0])).all()
    assert len(rows) == 1


def test_a_stored_run_covering_the_target_gives_its_cells_counts(session, demo):
    a, target, _, _ = facts(session, demo[0])
    run = AnalysisRun(method="gi_star", parameters={}, selection={}, incident_count=0, cell_count=0,
                      created_by="test")
    session.add(run)
    session.flush()
    x0, y0, x1, y1 = target.bounds
    step = (x1 - x0) / 6
    counts = {}
    for i in range(6):
        for j in range(int((y1 - y0) / step) + 1):
            cell_id = i * 100 + j
            counts[cell_id] = float((i * 7 + j * 3) % 5)  # some cells without incidents
            session.add(AnalysisCell(run_id=run.id, cell_id=cell_id, count=counts[cell_id], z=1.0,
                                     geom=f"SRID=4326;{box(x0 + i * step, y0 + j * step, x0 + (i + 1) * step, y0 + (j + 1) * step).wkt}"))
    session.flush()
    feature = routes.plan_route(session, demo[0], start=routes.Start(lon=target.centroid.x, lat=target.centroid.y),
                                actor=SYSTEM, settings=SETTINGS)
    p = feature["properties"]
    assert p["source"] == "analysis_run" and p["analysis_run_id"] == run.id
    assert p["stops"] and all(s["weight"] == counts[s["cell"]] > 0 for s in p["stops"])
    assert p["weight"] == sum(s["weight"] for s in p["stops"])
    top = sorted((c for c in counts.values() if c > 0), reverse=True)[:SETTINGS.max_candidates]
    assert p["weight"] <= p["weight_available"] <= sum(top) + 1e-9
