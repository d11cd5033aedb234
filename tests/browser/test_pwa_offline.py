"""The phone pages in the field, in a real chromium on the demo: the leader opens /my/shifts online
(the service worker installs and keeps it), loses the connection, reloads and still reads the
shifts (the page says it is the copy kept on the device), files a report with a photo from one of
the shifts — kept on the device — and when the connection returns it is sent, and stored once.

The account and shift are stored in the committed demo database for this module and removed after it.
"""
from __future__ import annotations

import io
import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from geo.db import make_engine
from geo.db.demo_accounts import first_active_officer_of_zone, formation_id
from geo.db.models import Assignment, FieldReport, PatrolZone, ReportPhoto, UserAccount
from geo.demo.accounts import LED_FORMATION, SUPERVISED_ZONE

from tests.browser.conftest import DEMO_URL, watch
from tests.browser.test_leader import click_report_map
from tests.conftest import add_user

pytestmark = pytest.mark.browser

ALMATY = ZoneInfo("Asia/Almaty")
LOGIN = "pwa.leader"
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("KUZET_PWA_SCREENSHOTS")  # a folder, e.g. /tmp/shots-pwa


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), ALMATY)


@pytest.fixture(scope="module")
def shift(demo_app):
    """A confirmed shift of the led formation in five days (clear of the other browser tests' days)."""
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        officer = first_active_officer_of_zone(session, SUPERVISED_ZONE)
        formation = formation_id(session, LED_FORMATION)
        zone = session.scalar(select(PatrolZone.id).where(PatrolZone.name == SUPERVISED_ZONE))
        add_user(session, LOGIN, ["leader"], formation_id=formation)
        day = datetime.now(ALMATY).date() + timedelta(days=5)
        a = Assignment(formation_id=formation, patrol_zone_id=zone, regime="order-641", activity="8.1",
                       shift=Range(_at(day, 18), _at(day, 22), bounds="[)"), officer_id=officer.id,
                       status="confirmed", created_by="browser test pwa")
        session.add(a)
        session.commit()
        assignment = a.id
    yield assignment
    with Session(engine) as session:
        users = select(UserAccount.id).where(UserAccount.login == LOGIN)
        session.execute(delete(FieldReport).where(FieldReport.reported_by.in_(users)))
        session.execute(delete(Assignment).where(Assignment.id == assignment))
        session.execute(delete(UserAccount).where(UserAccount.login == LOGIN))
        session.commit()
    engine.dispose()


def _stored() -> list[tuple[int, int | None, int]]:
    """(report id, its shift, its photos) of the test leader's reports."""
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            rows = session.execute(
                select(FieldReport.id, FieldReport.assignment_id, func.count(ReportPhoto.id))
                .join(UserAccount, UserAccount.id == FieldReport.reported_by)
                .outerjoin(ReportPhoto, ReportPhoto.report_id == FieldReport.id)
                .where(UserAccount.login == LOGIN).group_by(FieldReport.id))
            return [tuple(r) for r in rows]
    finally:
        engine.dispose()


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (80, 60), (30, 160, 60)).save(out, "JPEG")
    return out.getvalue()


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        os.makedirs(SCREENSHOTS, exist_ok=True)
        page.screenshot(path=os.path.join(SCREENSHOTS, name), full_page=True)


def _worker_offline(route):
    """With the context offline, the service worker's own requests fail as a phone's would."""
    if route.request.service_worker is not None:
        return route.abort("internetdisconnected")
    return route.continue_()


def _offline(context, offline: bool) -> None:
    if offline:
        context.set_offline(True)
        context.route("**/*", _worker_offline)
    else:
        context.unroute("**/*", _worker_offline)
        context.set_offline(False)


def test_a_leader_reads_the_shifts_and_files_a_report_with_a_photo_offline_sent_once_online(
        browser, live_server, shift):
    context, w = watch(browser, live_server, LOGIN, viewport=PHONE, is_mobile=True, has_touch=True,
                       service_workers="allow")
    page = w.page
    try:
        page.goto(f"{live_server}/my/shifts", wait_until="networkidle")
        page.wait_for_function("() => document.documentElement.dataset.offlineReady === 'yes'", timeout=20000)
        assert page.locator(f"#shift-{shift}").count() == 1
        assert page.locator("#offline-copy").is_hidden()

        assert w.errors == []
        _offline(context, True)
        page.reload(wait_until="load")
        assert page.locator(f"#shift-{shift}").count() == 1
        note = page.locator("#offline-copy")
        assert note.is_visible() and "No connection" in note.inner_text() and "min ago" in note.inner_text()
        _shot(page, "my-shifts-offline-phone.png")

        page.locator(f"#shift-{shift} .shift-report a").click()
        page.wait_for_url(f"**/reports/new?assignment_id={shift}")
        page.wait_for_function("() => { const s = document.getElementById('report-setup');"
                               " return s && window[JSON.parse(s.textContent).map]; }")
        assert page.locator("#offline-copy").is_visible()
        assert page.locator("input[name=assignment_id]").input_value() == str(shift)
        page.wait_for_timeout(600)  # the placing map's opening fitBounds animation
        click_report_map(page)
        assert page.locator("input[name=lat]").input_value() != ""
        page.select_option("select[name=category]", "order-demand")
        page.fill("textarea[name=description]", "Asked the crowd at the bazaar gate to let an ambulance pass")
        page.set_input_files("input[name=photos]", files=[{"name": "gate.jpg", "mimeType": "image/jpeg",
                                                           "buffer": _jpeg()}])
        page.click("form#report-form button[type=submit]")
        kept = page.locator("#outbox li.outbox-kept")
        kept.wait_for()
        assert "Kept on this device" in kept.inner_text()
        _shot(page, "report-kept-offline-phone.png")
        assert _stored() == []

        # Offline, what the device kept no copy of (a basemap tile never seen) fails to load, and the
        # vector tile layer's fetch rejects: nothing else goes wrong.
        expected = ("console: Failed to load resource: net::ERR_", "pageerror: Failed to fetch")
        assert [e for e in w.errors if not e.startswith(expected)] == []
        offline_errors = len(w.errors)
        _offline(context, False)
        done = page.locator("#outbox li:not(.outbox-kept)")
        done.wait_for(timeout=45000)  # the "online" event sends it (or the next half-minute try)
        assert "outbox-sent" in done.get_attribute("class"), done.inner_text()
        assert "Sent: report" in done.inner_text()
        _shot(page, "report-sent-phone.png")
        stored = _stored()
        assert len(stored) == 1 and stored[0][1:] == (shift, 1)

        page.reload(wait_until="networkidle")
        page.wait_for_timeout(1500)
        assert page.locator("#outbox li").count() == 0  # nothing left on the device
        assert _stored() == stored
        assert w.errors[offline_errors:] == []

        # signing out drops the copies kept on the device: the phone's next user does not read them
        assert page.evaluate("() => caches.has('kuzet-pages-v1')")
        page.click("form.logout button[type=submit]")
        page.wait_for_url("**/login**")
        for _ in range(50):
            if not page.evaluate("() => caches.has('kuzet-pages-v1')"):
                break
            page.wait_for_timeout(100)
        assert not page.evaluate("() => caches.has('kuzet-pages-v1')")
    finally:
        context.close()
