"""The report list's map in a real chromium: reports drawn from the field-report vector tiles, a
tooltip from the tile's properties, a click's detail from the reports API, a leader's map only theirs.

The accounts and reports are stored in the committed demo database for this module and removed after it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from geo.db import make_engine
from geo.db.models import FieldReport, Formation, UserAccount

from tests.browser.conftest import DEMO_URL, watch
from tests.conftest import add_user

pytestmark = pytest.mark.browser

LOGINS = {"dispatcher": "reports.dispatcher", "leader": "reports.leader"}
MINE = (76.9131, 43.2531)     # the leader's formation's report
THEIRS = (76.9151, 43.2531)   # another's, 160 m east


@dataclass(frozen=True)
class Placed:
    mine: int
    theirs: int


@pytest.fixture(scope="module")
def placed(demo_app):
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        first, second = session.scalars(select(Formation.id).order_by(Formation.id).limit(2)).all()
        leader = add_user(session, LOGINS["leader"], ["leader"], formation_id=first)
        dispatcher = add_user(session, LOGINS["dispatcher"], ["dispatcher"])
        now = datetime.now(timezone.utc)
        mine = FieldReport(category="prevention-talk", observed_at=now - timedelta(hours=2), reported_at=now,
                           description="Talked with the night-shift guards at the bus depot", formation_id=first,
                           reported_by=leader, geom=from_shape(Point(*MINE), 4326))
        theirs = FieldReport(category="aid-to-victims", observed_at=now - timedelta(hours=1), reported_at=now,
                             description="Helped a fallen cyclist", formation_id=second,
                             reported_by=dispatcher, geom=from_shape(Point(*THEIRS), 4326))
        session.add_all([mine, theirs])
        session.commit()
        stored = Placed(mine.id, theirs.id)
    yield stored
    with Session(engine) as session:
        users = select(UserAccount.id).where(UserAccount.login.in_(list(LOGINS.values())))
        session.execute(delete(FieldReport).where(FieldReport.reported_by.in_(users)))
        session.execute(delete(UserAccount).where(UserAccount.login.in_(list(LOGINS.values()))))
        session.commit()
    engine.dispose()


def _at_point(page, lon: float, lat: float) -> tuple[float, float]:
    """Centre the reports map on a point at street zoom, wait for its report tiles, give the point's
    place in the window."""
    x, y = page.evaluate("""([lat, lon]) => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        map.setView([lat, lon], 17, {animate: false});
        map.getContainer().scrollIntoView({block: "center"});
        const p = map.latLngToContainerPoint([lat, lon]), box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }""", [lat, lon])
    page.evaluate("""() => new Promise(done => {
        const map = Object.values(window).find(v => v instanceof L.Map);
        const grids = [];
        map.eachLayer(l => { if (l instanceof L.VectorGrid && l.isLoading()) grids.push(l); });
        let left = grids.length;
        if (!left) done();
        grids.forEach(g => g.once("load", () => { if (--left === 0) done(); }));
        setTimeout(done, 10000);
    })""")
    page.wait_for_timeout(300)
    return x, y


def test_the_reports_map_draws_from_tiles_and_a_click_shows_the_detail(browser, live_server, placed):
    context, watched = watch(browser, live_server, LOGINS["dispatcher"])
    page = watched.page
    try:
        page.goto(f"{live_server}/reports", wait_until="networkidle")
        # kuzet-tiles.js counts the report features it draws on <body data-tile-features-field-report>.
        page.locator("body[data-tile-features-field-report]").wait_for(timeout=15000)
        assert any("/tiles/field_report/" in url and ".mvt" in url for url in watched.requests), watched.requests
        x, y = _at_point(page, *MINE)
        page.mouse.move(x, y)
        tooltip = page.locator(".leaflet-tooltip")
        tooltip.wait_for()
        assert "Prevention talk" in tooltip.inner_text()  # the category's label, from the tile's code
        page.mouse.click(x, y)
        popup = page.locator(".kuzet-tile-detail")
        popup.wait_for()
        text = popup.inner_text()
        assert "night-shift guards" in text and "not a registered crime" in text  # from the reports API
        assert any(url.endswith(f"/api/v1/reports/{placed.mine}") for url in watched.requests)
        popup.locator("a").click()
        page.wait_for_url(f"**/reports/{placed.mine}")
        assert "night-shift guards" in page.locator("main").inner_text()
        assert watched.errors == []
    finally:
        context.close()


def test_a_leaders_report_map_draws_only_their_formations_reports(browser, live_server, placed):
    context, watched = watch(browser, live_server, LOGINS["leader"])
    page = watched.page
    try:
        page.goto(f"{live_server}/reports", wait_until="networkidle")
        assert page.locator(f'.report-item[data-id="{placed.theirs}"]').count() == 0
        x, y = _at_point(page, *THEIRS)
        page.mouse.move(x, y)
        page.wait_for_timeout(500)
        assert page.locator(".leaflet-tooltip").count() == 0 or \
            "Aid to victims" not in page.locator(".leaflet-tooltip").inner_text()
        x, y = _at_point(page, *MINE)
        page.mouse.click(x, y)
        popup = page.locator(".kuzet-tile-detail")
        popup.wait_for()
        assert "night-shift guards" in popup.inner_text()
        assert watched.errors == []
    finally:
        context.close()
