"""Shift notifications in a real chromium on the demo: the leader sees the unread badge in the header,
opens the list on /my/shifts, marks one read and then all, and the badge goes; on a phone too.

The account and shift are stored in the committed demo database for this module and removed after it
(their notifications go with them).
"""
from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.db import make_engine
from geo.db.demo_accounts import first_active_officer_of_zone, formation_id
from geo.db.models import Assignment, Notification, PatrolZone, UserAccount
from geo.demo.accounts import LED_FORMATION, SUPERVISED_ZONE

from tests.browser.conftest import DEMO_URL, watch
from tests.conftest import add_user

pytestmark = pytest.mark.browser

ALMATY = ZoneInfo("Asia/Almaty")
LOGIN = "notify.leader"
PHONE = {"width": 390, "height": 844}
SCREENSHOTS = os.environ.get("KUZET_LEADER_SCREENSHOTS")


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), ALMATY)


@pytest.fixture(scope="module")
def shift(demo_app):
    """A proposed, then confirmed shift of the demo's led formation (two notifications for its leaders)."""
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        officer = first_active_officer_of_zone(session, SUPERVISED_ZONE)
        formation = formation_id(session, LED_FORMATION)
        zone = session.scalar(select(PatrolZone.id).where(PatrolZone.name == SUPERVISED_ZONE))
        add_user(session, LOGIN, ["leader"], formation_id=formation)
        day = datetime.now(ALMATY).date() + timedelta(days=3)  # the day of test_leader's, at another hour
        request = services.AssignmentRequest(formation, "patrol_zone", zone, "8.1", _at(day, 16), _at(day, 18),
                                             officer_id=officer.id)
        proposed = services.assign_formation(session, request, actor=SYSTEM)
        services.confirm_assignment(session, proposed.id, actor=SYSTEM, officer_id=officer.id)
        session.commit()
        assignment = proposed.id
    yield assignment
    with Session(engine) as session:
        session.execute(delete(Assignment).where(Assignment.id == assignment))
        session.execute(delete(UserAccount).where(UserAccount.login == LOGIN))
        session.commit()
    engine.dispose()


def _badge(page) -> str | None:
    badge = page.locator("header .unread-badge")
    return badge.inner_text() if badge.count() else None


@pytest.mark.parametrize("device", ["desktop", "phone"])
def test_the_leader_sees_the_badge_opens_the_list_marks_read_and_the_badge_goes(browser, live_server, shift, device):
    options = {"viewport": PHONE, "is_mobile": True, "has_touch": True} if device == "phone" else {}
    ctx, w = watch(browser, live_server, LOGIN, **options)
    page = w.page
    try:
        page.goto(f"{live_server}/reports", wait_until="networkidle")
        assert _badge(page) == "2"
        page.locator("header .unread-badge").click()
        page.wait_for_url("**/my/shifts#notifications")
        items = page.locator(f'#notifications li.notice:has(a[href="#shift-{shift}"])')
        assert items.count() == 2
        assert "Shift confirmed: Green Bazaar" in items.nth(0).inner_text()
        assert "New shift proposed: Green Bazaar" in items.nth(1).inner_text()
        if SCREENSHOTS:
            os.makedirs(SCREENSHOTS, exist_ok=True)
            page.screenshot(path=os.path.join(SCREENSHOTS, f"notifications-{device}.png"), full_page=False)
        if device == "phone":
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        items.nth(0).locator("form.mark-read button").click()
        page.wait_for_url("**/my/shifts#notifications")
        assert _badge(page) == "1"
        assert page.locator("#notifications li.notice.unread").count() == 1
        page.locator("form.mark-all-read button").click()
        page.wait_for_url("**/my/shifts#notifications")
        assert _badge(page) is None and page.locator("#notifications li.notice.unread").count() == 0
        assert page.locator("#notifications li.notice").count() == 2  # read, still listed
        assert w.errors == []
    finally:
        ctx.close()
    # the next device starts from unread notifications again
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            user = session.scalar(select(UserAccount.id).where(UserAccount.login == LOGIN))
            session.execute(update(Notification).where(Notification.user_id == user).values(read_at=None))
            session.commit()
    finally:
        engine.dispose()
