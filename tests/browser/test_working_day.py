"""A whole working day in a real chromium, each role in its own browser and with its own account:
the dispatcher plans a shift and fixes a mistake from the board, the supervisor confirms it with the
facts in view, and the leader gets the e-mails (a real SMTP server, sent by the app's own background
sender), subscribes to the calendar (parsed with the ``icalendar`` package), reads the notifications
on the phone and prints the shift sheet (the PDF read back with ``pdftotext``).

With ``KUZET_WALK_SCREENSHOTS`` set to a folder, each step is photographed on a desktop and on a
390 px phone."""
from __future__ import annotations

import os
import re
import subprocess
import threading
import time as clock
from datetime import datetime, timedelta
from pathlib import Path

import icalendar
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from geo.db import make_engine
from geo.db.models import Assignment, UserAccount

from tests.browser.conftest import DEMO_URL, watch
from tests.browser.test_dispatch import ALMATY, click_at, errors, outside, plan_for, ready
from tests.conftest import add_user
from tests.support.smtp_inbox import SmtpServer, mail_config

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("KUZET_WALK_SCREENSHOTS")
DESKTOP = {"viewport": {"width": 1280, "height": 860}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
LEADER_MAIL = "walk.leader@example.kz"


@pytest.fixture(scope="module")
def day_server(demo_app):
    """The app over the demo with e-mail on: a real SMTP server and the app's background sender."""
    smtp = SmtpServer().start()
    from web import create_app

    app = create_app({"TESTING": True, "DATABASE_URL": DEMO_URL, "LOCALE": "en",
                      **mail_config(smtp, MAIL_BACKGROUND=True, MAIL_POLL_S=0.3, MAIL_RETRY_S=1)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", smtp
    server.shutdown()
    thread.join(timeout=10)
    smtp.stop()


@pytest.fixture(scope="module")
def plan(demo_app):
    return plan_for(datetime.now(ALMATY).date() + timedelta(days=11))


def _db():
    engine = make_engine(DEMO_URL)
    return engine, Session(engine)


@pytest.fixture(scope="module")
def staff(plan):
    """A dispatcher, and a supervisor who is the plan's officer."""
    engine, session = _db()
    with session:
        add_user(session, "walk-dispatcher", ["dispatcher"])
        add_user(session, "walk-supervisor", ["supervisor"], officer_id=plan.officer_id)
        session.commit()
    engine.dispose()


def _leader_for(formation_id: int) -> None:
    engine, session = _db()
    with session:
        user_id = add_user(session, "walk-leader", ["leader"], formation_id=formation_id)
        session.get(UserAccount, user_id).email = LEADER_MAIL
        session.commit()
    engine.dispose()


def _stored(assignment_id: int) -> Assignment:
    engine, session = _db()
    with session:
        found = session.get(Assignment, assignment_id)
        session.expunge(found)
    engine.dispose()
    return found


def _mails(smtp: SmtpServer, count: int, timeout_s: float = 30.0) -> list:
    """The messages to the leader, once ``count`` have come (the background sender polls)."""
    deadline = clock.monotonic() + timeout_s
    while clock.monotonic() < deadline:
        mine = [m for m, to in zip(smtp.messages, smtp.inbox.recipients) if LEADER_MAIL in to]
        if len(mine) >= count:
            return mine
        clock.sleep(0.2)
    pytest.fail(f"{count} e-mails to the leader expected, {len(mine)} came: {[m['Subject'] for m in mine]}")


def _shoot(browser, base: str, login: str, path: str, name: str) -> None:
    """``path`` as ``login`` sees it, on a desktop and on a phone (only with KUZET_WALK_SCREENSHOTS)."""
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for size, options in (("desktop", DESKTOP), ("phone", PHONE)):
        context, w = watch(browser, base, login, **options)
        try:
            w.page.goto(f"{base}{path}", wait_until="networkidle")
            w.page.wait_for_timeout(1500)
            w.page.screenshot(path=f"{SHOTS}/{name}-{size}.png", full_page=True)
        finally:
            context.close()


def test_a_whole_day_plan_fix_confirm_tell_subscribe_print(browser, day_server, plan, staff, tmp_path):
    base, smtp = day_server
    day = plan.day.isoformat()

    # 1. The dispatcher plans the evening shift on the map
    context, dispatcher = watch(browser, base, "walk-dispatcher", **DESKTOP)
    page = dispatcher.page
    page.goto(f"{base}/dispatch?date={day}", wait_until="networkidle")
    page.wait_for_selector(".leaflet-draw-toolbar")
    click_at(page, plan.lat, plan.lon)
    ready(page, plan.name)
    chosen = page.locator("#formations li.eligible input:checked")
    chosen.wait_for()
    formation_id = int(chosen.get_attribute("value"))
    _leader_for(formation_id)  # the formation's leader has an account and an e-mail address
    page.locator(f"#officers input[value='{plan.officer_id}']").check()
    page.locator("#propose").click()
    page.locator("#outcome.ok").wait_for()
    row = page.locator("#board-rows li.board-row[data-state='proposed']").filter(has_text=plan.name)
    row.wait_for()
    assignment_id = int(row.get_attribute("data-id"))
    shift = _stored(assignment_id).shift
    assert shift.upper.astimezone(ALMATY).strftime("%H:%M") == "22:00"

    # 2. ... and fixes a mistake from the board: the shift ends at 21:00, not 22:00
    row.locator("button.edit").click()
    row.locator("fieldset[data-moment=ends_at] [data-part=time]").fill("21:00")
    row.locator(".edit-form button[type=submit]").click()
    row.locator(".when").filter(has_text="21:00").wait_for()
    fixed = _stored(assignment_id)
    assert fixed.shift.upper.astimezone(ALMATY).strftime("%H:%M") == "21:00" and fixed.status == "proposed"
    assert errors(dispatcher) == [] and outside(dispatcher) == []
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/1-dispatch-board-desktop.png", full_page=True)
    context.close()
    _shoot(browser, base, "walk-dispatcher", f"/dispatch?date={day}", "1-dispatch")

    # the leader was told of the new shift and of the change, by e-mail
    told = _mails(smtp, 2)
    assert plan.name in told[0].get_body(("plain",)).get_content()
    assert "21:00" in told[1].get_body(("plain",)).get_content()

    # 3. The supervisor confirms with the facts in view, and is asked once more
    _shoot(browser, base, "walk-supervisor", "/supervise", "2-supervise")
    context, supervisor = watch(browser, base, "walk-supervisor", **DESKTOP)
    page = supervisor.page
    page.goto(f"{base}/supervise", wait_until="networkidle")
    card = page.locator(f"article.proposal[data-id='{assignment_id}']")
    card.wait_for()
    assert card.locator("ul.rules > li").count() == card.locator("ul.rules > li.passed").count() > 0
    assert "Order 641" in card.locator("ul.rules").inner_text()
    assert card.locator(".members tbody tr").count() >= 1
    assert "supervises" in card.locator(".load").inner_text()
    card.locator("button.confirm").click()
    card.locator(".confirm-step").wait_for(state="visible")
    assert _stored(assignment_id).status == "proposed"  # the first click only asks
    card.locator("button.confirm-yes").click()
    page.locator("#status").filter(has_text=f"Assignment {assignment_id} confirmed.").wait_for()
    assert _stored(assignment_id).status == "confirmed"
    assert errors(supervisor) == [] and outside(supervisor) == []
    context.close()

    confirmed = _mails(smtp, 3)[2]
    assert plan.name in confirmed.get_body(("plain",)).get_content()

    # 4. The leader, on the phone: the badge, the notifications, the calendar and the sheet
    _shoot(browser, base, "walk-leader", "/my/shifts", "3-my-shifts")
    context, leader = watch(browser, base, "walk-leader", **PHONE, accept_downloads=True)
    page = leader.page
    page.goto(f"{base}/my/shifts", wait_until="networkidle")
    assert page.locator(".topbar .unread-badge").inner_text().strip() == "3"
    assert page.locator("#notifications .notice.unread").count() == 3
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.locator("#notifications .mark-all-read button").click()
    page.wait_for_load_state("networkidle")
    assert page.locator(".topbar .unread-badge").count() == 0

    page.locator("#calendar form").filter(has_text="calendar address").locator("button").click()
    feed = page.locator("#calendar input.feed-url").input_value()
    answer = context.request.get(feed)
    assert answer.ok and answer.headers["content-type"].startswith("text/calendar")
    events = [e for e in icalendar.Calendar.from_ical(answer.body()).walk("VEVENT")
              if str(e["uid"]) == f"assignment-{assignment_id}@kuzet"]
    assert len(events) == 1
    assert events[0].decoded("dtstart") == fixed.shift.lower and events[0].decoded("dtend") == fixed.shift.upper

    card = page.locator(f"article#shift-{assignment_id}")
    with page.expect_download() as download:
        card.locator(".sheet-links a[download]").click()
    pdf = tmp_path / "sheet.pdf"
    download.value.save_as(pdf)
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    assert plan.name in text and "21:00" in text and "Order 641" in text
    if SHOTS:
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), f"{SHOTS}/4-sheet-pdf"], check=True)
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    assert re.search(r"^Pages:\s+1$", info, re.M), info  # one A4 page
    assert re.search(r"^Page size:.*\(A4\)", info, re.M), info
    card.locator(".sheet-links a:not([download])").click()
    page.wait_for_url(f"**/assignments/{assignment_id}/sheet")
    assert plan.name in page.locator("body").inner_text()
    assert errors(leader) == [] and outside(leader) == []
    context.close()
    _shoot(browser, base, "walk-leader", f"/assignments/{assignment_id}/sheet", "4-sheet")

    # nothing was sent twice
    assert len(_mails(smtp, 3)) == 3
    engine, session = _db()
    with session:
        assert session.scalar(select(Assignment.status).where(Assignment.id == assignment_id)) == "confirmed"
    engine.dispose()
