"""A formation leader in a real chromium sees exactly their formation's zones on the overview map.

The leader account and two shifts of a formation the other browser tests leave alone are stored in the
committed demo database for this module and removed after it (the audit log keeps its rows).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from markupsafe import escape
from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from geo.db import make_engine
from geo.db.models import Assignment, Formation, PatrolZone, UserAccount
from geo.demo.accounts import LED_FORMATION

from tests.browser.conftest import DEMO_URL, sign_in
from tests.conftest import add_user

pytestmark = pytest.mark.browser

ALMATY = ZoneInfo("Asia/Almaty")
LOGIN = "browser.access.leader"
FIND_MAP = "Object.values(window).find(v => v instanceof L.Map)"


@dataclass(frozen=True)
class Led:
    formation: int
    formation_name: str
    assignments: tuple[int, ...]


def _store(session: Session) -> Led:
    formation = session.execute(select(Formation.id, Formation.name).where(Formation.name != LED_FORMATION)
                                .order_by(Formation.id.desc()).limit(1)).one()
    zones = session.scalars(select(PatrolZone.id).order_by(PatrolZone.id).limit(2)).all()
    day = datetime.now(ALMATY).date() + timedelta(days=20)  # clear of every other test's shifts
    ids = []
    for hour, zone in zip((8, 14), zones):
        a = Assignment(formation_id=formation.id, patrol_zone_id=zone, regime="order-641", activity="8.1",
                       shift=Range(datetime.combine(day, time(hour), ALMATY),
                                   datetime.combine(day, time(hour + 4), ALMATY), bounds="[)"),
                       status="proposed", created_by="browser access test")
        session.add(a)
        session.flush()
        ids.append(a.id)
    add_user(session, LOGIN, ["leader"], formation_id=formation.id)
    return Led(formation.id, formation.name, tuple(ids))


@pytest.fixture(scope="module")
def led(demo_app):
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        stored = _store(session)
        session.commit()
    yield stored
    with Session(engine) as session:
        session.execute(delete(Assignment).where(Assignment.id.in_(stored.assignments)))
        session.execute(delete(UserAccount).where(UserAccount.login == LOGIN))
        session.commit()
    engine.dispose()


def _expected_zones(formation: int) -> set[str]:
    """Names (HTML-escaped, as tooltips carry them) of the zones any assignment of the formation targets,
    other tests' shifts included."""
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            names = session.scalars(select(PatrolZone.name).join(Assignment, Assignment.patrol_zone_id == PatrolZone.id)
                                    .where(Assignment.formation_id == formation))
            return {str(escape(name)) for name in names}
    finally:
        engine.dispose()


def test_a_leader_sees_exactly_their_formations_zones_on_the_map(browser, live_server, led):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    requested = []
    page.on("request", lambda r: requested.append(r))
    try:
        sign_in(page, live_server, LOGIN)
        page.goto(live_server + "/", wait_until="networkidle")
        page.wait_for_selector(".leaflet-control-layers")
        shown = page.evaluate(f"""() => {{
            const map = {FIND_MAP};
            const zones = [], formations = [];
            let incidents = 0;
            map.eachLayer(l => {{
                const p = l.feature && l.feature.properties;
                if (!p) return;
                if ("base_type" in p) formations.push(p.name);
                if ("category" in p) incidents++;
            }});
            return {{zones, formations, incidents}};
        }}""")
        # patrol zones come from their vector tiles: the names in every tile the page loaded
        import mapbox_vector_tile

        page.locator(".leaflet-kuzetLayers-pane svg").first.wait_for(state="attached")
        page.wait_for_load_state("networkidle")
        zone_tiles = {r.url for r in requested if "/tiles/patrol_zone/" in r.url}
        assert zone_tiles
        names = set()
        for url in zone_tiles:
            body = page.request.get(url).body()
            if body:
                names |= {str(escape(f["properties"]["name"])) for f in
                          mapbox_vector_tile.decode(body).get("patrol_zone", {}).get("features", [])}
        shown["zones"] = sorted(names)
        expected = _expected_zones(led.formation)
        assert len(expected) == 2
        assert len(shown["zones"]) == len(expected) and set(shown["zones"]) == expected
        assert shown["formations"] == [str(escape(led.formation_name))]
        assert shown["incidents"] == 0
        labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
        assert not any("Incidents" in label for label in labels), labels
        assert page.locator('nav.pages a[href="/dispatch"]').count() == 0
        assert errors == []
    finally:
        context.close()
