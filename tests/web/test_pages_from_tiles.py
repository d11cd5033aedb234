"""Pages whose data layers come from vector tiles: their HTML does not grow with those layers' rows."""
from __future__ import annotations

from geoalchemy2.shape import from_shape
from sqlalchemy import func, select
from shapely.geometry import Point, box

from geo.db.models import PatrolZone, PublicPlace
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)
from tests.support.leader_world import INSIDE


def _targets(session, first: int, count: int) -> None:
    """``count`` patrol zones and as many public places (half of them streets) near INSIDE."""
    lon, lat = INSIDE
    rows = []
    for i in range(first, first + count):
        x, y = lon + (i % 40) * 2e-3, lat + (i // 40) * 2e-3
        rows.append(PatrolZone(name=f"Zone number {i}", note="a note that would be embedded",
                               geom=from_shape(box(x, y, x + 1e-3, y + 1e-3), 4326)))
        rows.append(PublicPlace(name=f"Place number {i}", kind="street" if i % 2 else "square",
                                geom=from_shape(Point(x, y).buffer(2e-4), 4326)))
    session.add_all(rows)
    session.commit()


def test_the_dispatch_page_does_not_grow_with_its_targets(as_user, session):
    client = as_user("dispatcher")
    _targets(session, 0, 20)
    page = client.get("/dispatch?date=2026-11-02")
    assert page.status_code == 200, page.data[:300]
    before = len(page.data)
    _targets(session, 20, 180)  # 10x the patrol zones and public places
    after = client.get("/dispatch?date=2026-11-02").data
    assert b"Zone number" not in after and b"Place number" not in after
    assert b"/tiles/patrol_zone/{z}/{x}/{y}.mvt" in after
    assert abs(len(after) - before) < 200, (before, len(after))


def test_the_overview_map_does_not_grow_with_its_zones_places_and_streets(as_user, session):
    client = as_user("dispatcher")
    _targets(session, 0, 20)
    page = client.get("/")
    assert page.status_code == 200, page.data[:300]
    before = len(page.data)
    _targets(session, 20, 180)  # 10x the patrol zones and public places (half of them streets)
    after = client.get("/").data
    assert b"Zone number" not in after and b"Place number" not in after
    for layer in (b"patrol_zone", b"public_place", b"event", b"campus", b"pasture", b"crop_field", b"analysis_area"):
        assert b"/tiles/" + layer + b"/{z}/{x}/{y}.mvt" in after, layer
    # the legend counts them (two more digits); nothing else changes
    assert abs(len(after) - before) < 200, (before, len(after))
    zones = session.scalar(select(func.count()).select_from(PatrolZone))
    assert zones >= 200 and f'<span class="detail">{zones:,}</span>'.encode() in after


def test_my_shifts_embeds_only_the_leaders_own_targets(as_user, session):
    """/my/shifts keeps its targets embedded (one per shift): the page does not grow with the city's layers."""
    client = as_user("leader")
    page = client.get("/my/shifts")
    assert page.status_code == 200, page.data[:300]
    before = page.data
    assert b"geo_json_" in before  # the leader's shifts' targets, drawn on their cards
    _targets(session, 0, 200)
    after = client.get("/my/shifts").data
    assert b"Zone number" not in after and b"Place number" not in after and b"/tiles/patrol_zone/" not in after
    assert abs(len(after) - len(before)) < 200, (len(before), len(after))
