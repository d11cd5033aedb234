"""Dosage in PostGIS from a track built by hand (minutes inside, visits, share of the route walked),
and `kuzet db prune`'s reduction: nothing older than the retention is left, the figures stay."""
from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest
from pyproj import Transformer
from shapely.geometry import LineString, Point
import numpy as np
import shapely
from shapely.ops import unary_union
from sqlalchemy import func, select, text

from geo.db.models import Assignment, AssignmentDosage, PatrolRoute, PresencePosition, ShiftPresence
from geo.services.accountability.quarterly import Quarter, presence_by_target
from geo.services.field.presence import dosage_of, reduce_old_positions
from geo.settings import PresenceSettings

from tests.support.leader_world import LeaderWorld, build_leader_world

LAT = 43.245  # a line across the world's patrol zone (76.92..76.93, 43.24..43.25)
ADULT = [(0, 76.915), (2, 76.921), (4, 76.922), (6, 76.923), (8, 76.915), (10, 76.921), (12, 76.922),
         (30, 76.926), (32, 76.927)]          # minutes after the shift starts, longitude
MINOR = [(5, 76.9240), (7, 76.9241), (9, 76.9242), (11, 76.9243)]
ROUTE = [(76.922, LAT), (76.928, LAT)]
SETTINGS = PresenceSettings()


@pytest.fixture
def walked(session) -> tuple[LeaderWorld, int]:
    lw = build_leader_world(session, tag="dose")
    a = lw.upcoming
    start = session.scalar(text("SELECT lower(shift) FROM assignment WHERE id = :a"), {"a": a})
    w = lw.world
    session.add_all([
        ShiftPresence(assignment_id=a, participant_id=w.adult, checked_in_at=start - timedelta(minutes=5),
                      checked_out_at=start + timedelta(minutes=40)),
        ShiftPresence(assignment_id=a, participant_id=w.minor, checked_in_at=start + timedelta(minutes=3),
                      checked_out_at=start + timedelta(minutes=20))])
    session.flush()
    for who, track in ((w.adult, ADULT), (w.minor, MINOR)):
        for minute, lon in track:
            session.add(PresencePosition(assignment_id=a, participant_id=who, at=start + timedelta(minutes=minute),
                                         geom=f"SRID=4326;POINT({lon} {LAT})", accuracy_m=5))
    session.flush()
    return lw, start


def _route(session, assignment_id: int) -> None:
    line = "SRID=4326;LINESTRING(" + ", ".join(f"{x} {y}" for x, y in ROUTE) + ")"
    session.add(PatrolRoute(assignment_id=assignment_id, start_geom=f"SRID=4326;POINT({ROUTE[0][0]} {LAT})",
                            geom=line, length_m=487, minutes=7, walking_kmh=4, weight=1, weight_available=1,
                            source="incidents", created_by="test"))
    session.flush()


def _brute_force_share() -> float:
    """The same share with shapely in UTM zone 43N: legs no more than the gap apart, buffered."""
    to_utm = Transformer.from_crs(4326, 32643, always_xy=True)

    def utm(geom):
        return shapely.transform(geom, lambda xy: np.column_stack(to_utm.transform(xy[:, 0], xy[:, 1])))
    near = []
    for track in (ADULT, MINOR):
        for (m0, x0), (m1, x1) in zip(track, track[1:]):
            geom = LineString([(x0, LAT), (x1, LAT)]) if m1 - m0 <= SETTINGS.gap_min else Point(x1, LAT)
            near.append(utm(geom).buffer(SETTINGS.route_tolerance_m, 64))
        near.append(utm(Point(track[0][1], LAT)).buffer(SETTINGS.route_tolerance_m, 64))
    route = utm(LineString(ROUTE))
    return route.intersection(unary_union(near)).length / route.length


def test_minutes_inside_are_the_union_of_stays_and_visits_count_entries(session, walked):
    lw, _ = walked
    d = dosage_of(session, [lw.upcoming], settings=SETTINGS)[lw.upcoming]
    # adult stays 2-6, 10-12, 30-32 (the 18-minute gap splits 12 and 30); minor 5-11 joins the first two
    assert d["minutes_inside"] == pytest.approx(12.0)
    assert d["visits"] == 2
    assert d["minutes_checked_in"] == pytest.approx(45.0)  # -5..40 and 3..20 overlap
    assert d["positions"] == len(ADULT) + len(MINOR)
    assert d["route_share"] is None and d["has_route"] is False  # no route: not 0


def test_a_longer_gap_setting_bridges_the_pause(session, walked):
    lw, _ = walked
    d = dosage_of(session, [lw.upcoming], settings=PresenceSettings(gap_min=20))[lw.upcoming]
    assert d["minutes_inside"] == pytest.approx(30.0) and d["visits"] == 1  # 2..32 in one stay


def test_the_share_of_the_route_walked_matches_shapely_in_utm(session, walked):
    lw, _ = walked
    _route(session, lw.upcoming)
    d = dosage_of(session, [lw.upcoming], settings=SETTINGS)[lw.upcoming]
    # by hand: 76.922..76.923 + 25 m, 76.9240 - 25 m .. 76.9243 + 25 m, 76.926 - 25 m .. 76.927 + 25 m of 0.006°
    metres_per_degree = 111_320 * 0.72863  # cos(43.245°)
    by_hand = (0.001 * metres_per_degree + 25 + 0.0003 * metres_per_degree + 50 + 0.001 * metres_per_degree + 50) \
        / (0.006 * metres_per_degree)
    assert d["has_route"] is True
    assert d["route_share"] == pytest.approx(by_hand, abs=0.01)
    assert d["route_share"] == pytest.approx(_brute_force_share(), abs=0.01)


def test_a_route_never_walked_has_share_zero_and_no_positions_means_no_minutes(session, walked):
    lw, _ = walked
    _route(session, lw.past)
    d = dosage_of(session, [lw.past], settings=SETTINGS)[lw.past]
    assert d["route_share"] == 0.0 and d["has_route"] is True
    assert d["minutes_inside"] is None and d["visits"] is None and d["positions"] == 0


def test_prune_reduces_then_deletes_everything_older_than_the_retention(session, walked):
    lw, start = walked
    _route(session, lw.upcoming)
    before = dosage_of(session, [lw.upcoming], settings=SETTINGS)[lw.upcoming]
    later = start + timedelta(days=SETTINGS.retention_days, hours=2)
    reduced, deleted = reduce_old_positions(session, settings=SETTINGS, now=later)
    assert reduced >= 1 and deleted >= len(ADULT) + len(MINOR)
    cutoff = later - timedelta(days=SETTINGS.retention_days)
    assert session.scalar(select(func.count()).select_from(PresencePosition)
                          .where(PresencePosition.at < cutoff)) == 0
    assert session.get(AssignmentDosage, lw.upcoming) is not None
    after = dosage_of(session, [lw.upcoming], settings=SETTINGS)[lw.upcoming]
    assert after.pop("reduced") is True and before.pop("reduced") is False
    assert after == before
    again = reduce_old_positions(session, settings=SETTINGS, now=later + timedelta(days=1))
    assert again == (0, 0)
    assert {k: v for k, v in dosage_of(session, [lw.upcoming], settings=SETTINGS)[lw.upcoming].items()
            if k != "reduced"} == before
    # the check-ins (times only) stay
    assert session.scalar(select(func.count()).select_from(ShiftPresence)
                          .where(ShiftPresence.assignment_id == lw.upcoming)) == 2


def test_positions_within_the_retention_are_kept(session, walked):
    lw, start = walked
    assert reduce_old_positions(session, settings=SETTINGS, now=start + timedelta(days=2)) == (0, 0)
    assert session.scalar(select(func.count()).select_from(PresencePosition)
                          .where(PresencePosition.assignment_id == lw.upcoming)) == len(ADULT) + len(MINOR)


def test_the_quarterly_report_sums_each_targets_dosage_over_its_confirmed_shifts(session, walked):
    lw, start = walked
    _route(session, lw.upcoming)
    quarter = Quarter.of(start.astimezone(ZoneInfo("Asia/Almaty")).date())
    rows = presence_by_target(session, lw.dispatcher, quarter, settings=SETTINGS)
    zone = next(r for r in rows if r["target_kind"] == "patrol_zone" and r["target_id"] == lw.world.zone)
    shifts = session.scalars(select(Assignment.id).where(
        Assignment.patrol_zone_id == lw.world.zone, Assignment.status == "confirmed",
        Assignment.formation_id.in_([lw.world.formation, lw.world.unnotified]),
        Assignment.shift.op("&&")(func.tstzrange(*quarter.bounds("Asia/Almaty"))))).all()
    walked_dosage = dosage_of(session, [lw.upcoming], settings=SETTINGS)[lw.upcoming]
    assert zone["assignments"] == len(shifts) >= 1
    assert zone["tracked"] == 1  # only the walked shift sent its location
    assert zone["minutes_inside"] == pytest.approx(12.0) and zone["visits"] == 2
    assert zone["checked_in_h"] == pytest.approx(45.0 / 60, abs=0.01)
    assert walked_dosage["route_share"] > 0
    assert zone["route_share"] == pytest.approx(walked_dosage["route_share"], abs=1e-3)
    assert all(r["target_id"] != lw.world.far_zone for r in rows if r["target_kind"] == "patrol_zone")  # proposed only
