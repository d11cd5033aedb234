"""The formation leader and the supervisor in a real chromium on the demo: "My shifts" on a phone,
acknowledging a shift (the dispatcher sees it), confirming on /supervise, filing a report by a map click.

The accounts and shifts are stored in the committed demo database for this module and removed after
it (the audit log keeps its rows: it is append-only).
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.db import make_engine
from geo.db.demo_accounts import first_active_officer_of_zone, formation_id
from geo.db.dispatch import current_members
from geo.db.models import Assignment, AssignmentMember, FieldReport, PatrolZone, UserAccount
from geo.demo.accounts import LED_FORMATION, SUPERVISED_ZONE

from tests.browser.conftest import DEMO_URL, watch
from tests.conftest import add_user

pytestmark = pytest.mark.browser

ALMATY = ZoneInfo("Asia/Almaty")
SCREENSHOTS = os.environ.get("KUZET_LEADER_SCREENSHOTS")  # a folder, e.g. /tmp/kuzet-shots
LOGINS = {"leader": "browser.leader", "supervisor": "browser.supervisor", "dispatcher": "browser.dispatcher"}
PHONE = {"width": 375, "height": 740}


@dataclass(frozen=True)
class People:
    formation: int
    zone: int
    zone_name: str
    officer: int
    day: date
    acknowledge: int   # a confirmed shift the leader acknowledges
    proposed: int      # a proposed shift the supervisor confirms
    leader_name: str


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), ALMATY)


def _store(session: Session) -> People:
    officer = first_active_officer_of_zone(session, SUPERVISED_ZONE)
    formation = formation_id(session, LED_FORMATION)
    zone = session.scalar(select(PatrolZone.id).where(PatrolZone.name == SUPERVISED_ZONE))
    add_user(session, LOGINS["leader"], ["leader"], formation_id=formation)
    add_user(session, LOGINS["supervisor"], ["supervisor"], officer_id=officer.id)
    add_user(session, LOGINS["dispatcher"], ["dispatcher"])
    day = datetime.now(ALMATY).date() + timedelta(days=3)  # clear of the dispatcher test's shifts (tomorrow)
    confirmed = Assignment(formation_id=formation, patrol_zone_id=zone, regime="order-641", activity="8.1",
                           shift=Range(_at(day, 9), _at(day, 11), bounds="[)"), officer_id=officer.id,
                           status="confirmed", created_by="browser test")
    session.add(confirmed)
    session.flush()
    for member in current_members(session, formation, day)[:3]:
        session.add(AssignmentMember(assignment_id=confirmed.id, participant_id=member.id))
    request = services.AssignmentRequest(formation, "patrol_zone", zone, "8.1", _at(day, 12), _at(day, 15),
                                         officer_id=officer.id)
    proposed = services.assign_formation(session, request, actor=SYSTEM)
    return People(formation, zone, SUPERVISED_ZONE, officer.id, day, confirmed.id, proposed.id,
                  LOGINS["leader"].title())


def _remove(session: Session, people: People) -> None:
    users = select(UserAccount.id).where(UserAccount.login.in_(list(LOGINS.values())))
    session.execute(delete(FieldReport).where(FieldReport.reported_by.in_(users)))
    session.execute(delete(Assignment).where(Assignment.id.in_([people.acknowledge, people.proposed])))
    session.execute(delete(UserAccount).where(UserAccount.login.in_(list(LOGINS.values()))))


@pytest.fixture(scope="module")
def people(demo_app):
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        stored = _store(session)
        session.commit()
    yield stored
    with Session(engine) as session:
        _remove(session, stored)
        session.commit()
    engine.dispose()


def _page(browser, base: str, login: str, **context):
    ctx, w = watch(browser, base, login, **context)
    return ctx, w.page, w.errors


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


def click_report_map(page) -> None:
    """Click the middle of the new report's placing map, as a person marking the place would."""
    x, y = page.evaluate("""() => {
        const setup = JSON.parse(document.getElementById("report-setup").textContent);
        const map = window[setup.map];
        const box = map.getContainer().getBoundingClientRect();
        return [box.left + box.width / 2, box.top + box.height / 2];
    }""")
    page.mouse.click(x, y)


def _at_report(page, lon: float, lat: float) -> tuple[float, float]:
    """Centre the reports map on a place at zoom 17, wait for its tiles; the place in the window."""
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


PAST_SHOWN = 20  # "My shifts" lists every upcoming shift and the latest 20 past ones (my_shifts' past_limit)


def _formation_shift_ids(formation: int) -> set[int]:
    """The formation's upcoming shifts and its latest past ones (the demo's patrol history has more)."""
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            rows = session.execute(select(Assignment.id, func.upper(Assignment.shift).label("ends"))
                                   .where(Assignment.formation_id == formation)).all()
    finally:
        engine.dispose()
    now = datetime.now(timezone.utc)
    past = sorted((r for r in rows if r.ends <= now), key=lambda r: (r.ends, r.id), reverse=True)
    return {r.id for r in rows if r.ends > now} | {r.id for r in past[:PAST_SHOWN]}


def test_a_leader_sees_exactly_their_shifts_on_a_phone_and_acknowledges_one(browser, live_server, people):
    ctx, page, errors = _page(browser, live_server, LOGINS["leader"], viewport=PHONE, is_mobile=True,
                              has_touch=True)
    try:
        page.goto(f"{live_server}/my/shifts", wait_until="networkidle")
        shown = {int(i) for i in page.locator("article.shift").evaluate_all("els => els.map(e => e.dataset.id)")}
        assert shown == _formation_shift_ids(people.formation)
        card = page.locator(f"#shift-{people.acknowledge}")
        assert people.zone_name in card.locator("h2").inner_text()
        assert card.locator(".leaflet-container").count() == 1 and card.locator("path").count() >= 1
        certificates = card.locator(".members .certificate")
        assert not certificates.first.is_visible()  # shown on request
        card.locator(".members summary").click()
        assert certificates.first.is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _shot(page, "my-shifts-phone.png")
        card.locator("form.acknowledge button").click()
        page.wait_for_url(f"**/my/shifts#shift-{people.acknowledge}")
        acknowledged = page.locator(f"#shift-{people.acknowledge} .acknowledged")
        assert people.leader_name in acknowledged.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        assert errors == []
    finally:
        ctx.close()
    ctx, page, _errors = _page(browser, live_server, LOGINS["dispatcher"])
    try:
        answer = page.request.get(f"{live_server}/api/v1/assignments/{people.acknowledge}")
        assert answer.ok
        properties = answer.json()["properties"]
        assert properties["acknowledged_by"] == people.leader_name and properties["acknowledged_at"]
        # the dispatcher's map says so in the assignment's tooltip
        page.goto(f"{live_server}/dispatch?date={properties['starts_at'][:10]}", wait_until="networkidle")
        tips = page.evaluate("""() => {
            const setup = JSON.parse(document.getElementById("dispatch-setup").textContent);
            return window[setup.assignments].getLayers().map(l => l.getTooltip().getContent().textContent);
        }""")
        assert any(people.leader_name in tip and "acknowledged by" in tip for tip in tips), tips
    finally:
        ctx.close()


def test_a_supervisor_confirms_the_proposed_shift_on_supervise(browser, live_server, people):
    ctx, page, errors = _page(browser, live_server, LOGINS["supervisor"])
    try:
        page.goto(f"{live_server}/supervise", wait_until="networkidle")
        chooser = page.locator(".officer-choice select")
        if chooser.count():  # pages that let the user choose the officer
            page.goto(f"{live_server}/supervise?officer_id={people.officer}", wait_until="networkidle")
        card = page.locator(f'#proposals article[data-id="{people.proposed}"]')
        card.locator("button.confirm").click()
        card.locator("button.confirm-yes").click()  # the page asks once more
        page.locator("#status", has_text=f"Assignment {people.proposed} confirmed").wait_for()
        page.locator(f'#proposals article[data-id="{people.proposed}"][data-state="decided"]').wait_for()
        assert errors == []
    finally:
        ctx.close()
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            assert session.get(Assignment, people.proposed).status == "confirmed"
    finally:
        engine.dispose()


def test_a_leader_files_a_report_by_clicking_the_map(browser, live_server, people):
    ctx, page, errors = _page(browser, live_server, LOGINS["leader"], viewport=PHONE, is_mobile=True,
                              has_touch=True)
    try:
        page.goto(f"{live_server}/reports/new", wait_until="networkidle")
        assert "not a registered crime" in page.locator(".report-note").inner_text()
        click_report_map(page)
        assert page.locator("input[name=lat]").input_value() != ""
        assert page.locator("input[name=location_source]").input_value() == "map"
        assert "Place marked on the map" in page.locator("#place").inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        _shot(page, "report-new-phone.png")
        page.select_option("select[name=category]", "prevention-talk")
        page.fill("textarea[name=description]", "Talked with teenagers by the bazaar gate about curfew")
        page.click("form#report-form button[type=submit]")
        page.wait_for_url(re.compile(r"/reports/\d+$"))
        assert "not a registered crime" in page.locator(".report-note").inner_text()
        report_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        page.goto(f"{live_server}/reports", wait_until="networkidle")
        assert page.locator(f'.report-item[data-id="{report_id}"]').count() == 1
        # The map draws the reports from their vector tiles: go to the report's place at street zoom
        # (points, not counted cells), wait for the tiles there, and click it.
        lon, lat = page.evaluate(f"""() => fetch("/api/v1/reports/{report_id}", {{credentials: "same-origin"}})
            .then(r => r.json()).then(r => [r.lon, r.lat])""")
        x, y = _at_report(page, lon, lat)
        page.mouse.click(x, y)
        popup = page.locator(".leaflet-popup-content")
        popup.wait_for()
        assert "not a registered crime" in popup.inner_text() and "teenagers" in popup.inner_text()
        _shot(page, "reports-phone.png")
        assert errors == []
    finally:
        ctx.close()
