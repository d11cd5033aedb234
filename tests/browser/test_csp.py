"""Every page passes its Content-Security-Policy in a real chromium, and its maps still draw.

A violation shows up twice: as a ``securitypolicyviolation`` event (recorded by a script added before
the page's own) and as a console message "Refused to …"; both are collected.
"""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from geo import services
from geo.db import make_engine
from geo.db.models import FieldReport, UserAccount
from geo.services.accounts import principal_of

from tests.browser.conftest import DEMO_URL, watch
from tests.browser.test_leader import LOGINS, people  # noqa: F401 (a leader with shifts, removed after)

pytestmark = pytest.mark.browser

RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"} (${e.sourceFile}:${e.lineNumber})`);
});
"""

# page → does it draw a map
ADMIN_PAGES = {"/": True, "/dispatch": True, "/dispatch/plan": True, "/analysis": True, "/analysis/evaluation": False, "/supervise": False,
               "/reports": True, "/supervise/reports": False, "/quarterly": False, "/audit": False,
               "/no/such/page": False}
LEADER_PAGES = {"/my/shifts": True, "/reports/new": True, "/reports": True}


@pytest.fixture(scope="module")
def report_id(people):  # noqa: F811
    """A field report filed by the test leader, so /reports/<id> has a place to draw."""
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        leader = principal_of(session, session.scalar(select(UserAccount.id).where(
            UserAccount.login == LOGINS["leader"])))
        shown = services.file_report(session, leader, category="prevention-talk", lon=76.9458, lat=43.2381,
                                     observed_at=datetime.now(timezone.utc) - timedelta(hours=1),
                                     description="A report for the CSP test")
        session.commit()
    yield shown["id"]
    with Session(engine) as session:
        session.execute(delete(FieldReport).where(FieldReport.id == shown["id"]))
        session.commit()
    engine.dispose()


def _violations(page, errors: list[str]) -> list[str]:
    refused = [e for e in errors if "Refused to" in e or "Content Security Policy" in e]
    return refused + page.evaluate("window.__violations")


def _visit(page, base: str, path: str, errors: list[str], *, draws_map: bool) -> None:
    page.goto(base + path, wait_until="networkidle")
    assert _violations(page, errors) == [], path
    if draws_map:
        container = page.locator(".leaflet-container").first
        container.wait_for()
        # Leaflet ran (panes exist) and drew layers (paths on the canvas or SVG, or a canvas).
        assert container.locator(".leaflet-map-pane").count() == 1, path
        drawn = container.locator(".leaflet-overlay-pane canvas, .leaflet-overlay-pane path").count()
        assert drawn >= 1, path


def _watched(browser, base: str, login: str):
    context, w = watch(browser, base, login)  # w.errors holds the console's errors, "Refused to …" among them
    context.add_init_script(RECORD_VIOLATIONS)
    return context, w


def test_the_sign_in_page_passes_the_policy(browser, live_server):
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda msg: errors.append(msg.text))
    context.add_init_script(RECORD_VIOLATIONS)
    try:
        _visit(page, live_server, "/login", errors, draws_map=False)
        assert page.locator("input[name=login]").count() == 1
    finally:
        context.close()


def test_every_page_of_the_administrator_passes_the_policy_and_draws_its_map(browser, live_server):
    context, w = _watched(browser, live_server, "admin")
    try:
        for path, draws_map in ADMIN_PAGES.items():
            _visit(w.page, live_server, path, w.errors, draws_map=draws_map)
    finally:
        context.close()


def test_the_leaders_pages_pass_the_policy_and_draw_their_maps(browser, live_server, people, report_id):  # noqa: F811
    context, w = _watched(browser, live_server, LOGINS["leader"])
    try:
        for path, draws_map in (LEADER_PAGES | {f"/reports/{report_id}": True}).items():
            _visit(w.page, live_server, path, w.errors, draws_map=draws_map)
    finally:
        context.close()


def test_an_inline_script_without_the_nonce_is_refused(browser, live_server):
    """The policy is enforced, not only sent: a script the page did not nonce does not run."""
    context, w = _watched(browser, live_server, "admin")
    try:
        w.page.goto(f"{live_server}/quarterly", wait_until="networkidle")
        ran = w.page.evaluate("""() => {
            window.__ran = false;
            const s = document.createElement("script");
            s.textContent = "window.__ran = true";
            document.body.appendChild(s);
            return window.__ran;
        }""")
        assert ran is False
        assert any("script-src" in v for v in _violations(w.page, w.errors))
    finally:
        context.close()
