"""The walking patrol route in a real chromium on the demo: the dispatcher plans it from a board row
(a start place near the target), sees it drawn with its length and time; the leader sees it on their
shift's map on a phone, with the GPX download (read back by gpxpy)."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import gpxpy
import pytest
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from geo.db import make_engine
from geo.db.demo_accounts import formation_id
from geo.db.models import Assignment, PatrolRoute, PatrolZone, UserAccount
from geo.demo.accounts import LED_FORMATION, SUPERVISED_ZONE

from tests.browser.conftest import DEMO_URL, watch
from tests.conftest import add_user

pytestmark = pytest.mark.browser

ALMATY = ZoneInfo("Asia/Almaty")
LOGINS = {"leader": "browser.route-leader", "dispatcher": "browser.route-dispatcher"}
PHONE = {"width": 390, "height": 800}


@dataclass(frozen=True)
class Shift:
    id: int
    day: date


@pytest.fixture(scope="module")
def shift(demo_app):
    """An evening shift of the demo's led formation on its zone, five days ahead (clear of the other
    browser tests' shifts), and a dispatcher and the formation's leader; removed afterwards."""
    engine = make_engine(DEMO_URL)
    day = datetime.now(ALMATY).date() + timedelta(days=5)
    with Session(engine) as session:
        formation = formation_id(session, LED_FORMATION)
        zone = session.scalar(select(PatrolZone.id).where(PatrolZone.name == SUPERVISED_ZONE))
        add_user(session, LOGINS["leader"], ["leader"], formation_id=formation)
        add_user(session, LOGINS["dispatcher"], ["dispatcher"])
        a = Assignment(formation_id=formation, patrol_zone_id=zone, regime="order-641", activity="8.1",
                       shift=Range(datetime.combine(day, time(18), ALMATY), datetime.combine(day, time(22), ALMATY),
                                   bounds="[)"), status="proposed", created_by="browser test")
        session.add(a)
        session.commit()
        stored = Shift(a.id, day)
    yield stored
    with Session(engine) as session:
        session.execute(delete(Assignment).where(Assignment.id == stored.id))
        session.execute(delete(UserAccount).where(UserAccount.login.in_(list(LOGINS.values()))))
        session.commit()
    engine.dispose()


def outside(requests: list[str]) -> list[str]:
    return [u for u in requests if not u.startswith("data:") and urlsplit(u).hostname != "127.0.0.1"]


def test_a_dispatcher_plans_a_route_from_a_board_row_and_the_leader_walks_it_on_a_phone(browser, live_server, shift):
    ctx, w = watch(browser, live_server, LOGINS["dispatcher"])
    try:
        page = w.page
        page.goto(f"{live_server}/dispatch?date={shift.day.isoformat()}", wait_until="networkidle")
        row = page.locator(f"#board-rows li.board-row[data-id='{shift.id}']")
        row.locator("button.plan-route").click()
        start = row.locator(".route-form select[name=start]")
        page.wait_for_function("s => s.options.length > 1 && !s.disabled", arg=start.element_handle())
        values = start.locator("option").evaluate_all("os => os.map(o => o.value)")
        assert values[-1] == "point" and values[0].split(":")[0] in ("police_unit", "public_place")
        start.select_option(values[0])
        row.locator(".route-form button[type=submit]").click()
        summary = row.locator(".route-summary")
        summary.wait_for(state="visible")
        assert " km, " in summary.inner_text() and "min" in summary.inner_text()
        page.wait_for_function(f"() => document.querySelector('.leaflet-container[data-route=\"{shift.id}\"]')")
        drawn = page.evaluate("""() => {
            const map = Object.values(window).find(v => v instanceof L.Map);
            let lines = 0;
            map.eachLayer(l => { if (l instanceof L.Polyline && !(l instanceof L.Polygon)
                                     && l.options.color === "#1f4e9c") lines++; });
            return lines;
        }""")
        assert drawn >= 1  # the route's line, in the route's blue
        assert "ok" in page.locator("#board-note").get_attribute("class")
        assert not w.errors and not outside(w.requests)
    finally:
        ctx.close()
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        route = session.scalar(select(PatrolRoute).where(PatrolRoute.assignment_id == shift.id))
        assert route is not None and route.minutes <= 240 and route.start_label
    engine.dispose()

    ctx, w = watch(browser, live_server, LOGINS["leader"], viewport=PHONE, is_mobile=True)
    try:
        page = w.page
        page.goto(f"{live_server}/my/shifts", wait_until="networkidle")
        card = page.locator(f"#shift-{shift.id}")
        text = card.locator("p.route").inner_text()
        assert f"{route.length_m / 1000:.1f} km" in text and f"{round(route.minutes)} min" in text
        assert card.locator(".shift-map path.patrol-route").count() == 1
        href = card.locator("a.route-gpx").get_attribute("href")
        answer = page.request.get(f"{live_server}{href}")
        assert answer.ok and answer.headers["content-type"].startswith("application/gpx+xml")
        gpx = gpxpy.parse(answer.text())
        assert gpx.tracks[0].segments[0].length_2d() == pytest.approx(route.length_m, rel=5e-3)
        assert not w.errors and not outside(w.requests)
    finally:
        ctx.close()
