"""The supervisor signs off in a real chromium on the demo: the facts of a proposal (its target on the
map, every rule with its citation, the members' certificates, a planted conflict), confirm in two
steps (a cancelled second step stores nothing), reject with a reason."""
from __future__ import annotations

import os
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.db import make_engine
from geo.db.models import Assignment

from tests.browser.conftest import DEMO_URL, watch
from tests.browser.test_dispatch import errors, outside
from tests.support.supervise_world import ALMATY, propose_pair

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("KUZET_SUPERVISE_SCREENSHOTS")  # a folder for desktop and phone screenshots


def _status(assignment_id: int) -> tuple[str, str | None]:
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            row = session.execute(select(Assignment.status, Assignment.status_reason)
                                  .where(Assignment.id == assignment_id)).one()
            return row.status, row.status_reason
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def pair(demo_app):
    """Two formations proposed at one target, one shift and one officer, six days ahead; cancelled after."""
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            found = propose_pair(session, datetime.now(ALMATY).date() + timedelta(days=6))
            session.commit()
        if found is None:
            pytest.fail("the demo has no target with two eligible formations and a free officer")
        yield found
        with Session(engine) as session:
            for assignment_id in (found.first, found.second):
                if session.get(Assignment, assignment_id).status in ("proposed", "confirmed"):
                    services.cancel_assignment(session, assignment_id, actor=SYSTEM, reason="browser test")
            session.commit()
    finally:
        engine.dispose()


def _open(page, live_server, pair, assignment_id: int):
    page.goto(f"{live_server}/supervise?officer_id={pair.officer_id}", wait_until="networkidle")
    card = page.locator(f"article.proposal[data-id='{assignment_id}']")
    card.wait_for()
    return card


def test_the_supervisor_sees_the_facts_then_confirms_in_two_steps(watched, live_server, pair):
    page = watched.page
    card = _open(page, live_server, pair, pair.first)
    card.locator("button.show-map").click()
    page.locator(f"body[data-map-shows='{pair.first}']").wait_for()
    assert page.locator(".supervise-map path.leaflet-interactive").count() >= 1  # the target drawn
    assert pair.target_name in page.locator("#map-caption").inner_text()
    rules = card.locator("ul.rules > li")
    assert rules.count() == 9 and card.locator("ul.rules > li.passed").count() == 9
    assert "Order 641, Rules item 7" in card.locator("li[data-code='formation-notified'] cite").inner_text()
    assert card.locator(".members tbody tr").count() >= 1
    assert card.locator(".members td.certificate").first.inner_text().strip() not in ("", "none")
    assert card.locator(".conflict").is_visible()  # the planted second formation at the target
    assert pair.formations[1] in card.locator(".others").inner_text()
    assert "supervises 2 of at most 2" in card.locator(".load").inner_text()
    if SHOTS:
        page.screenshot(path=f"{SHOTS}/supervise-desktop.png", full_page=True)

    # the first click asks again; "Do not confirm" stores nothing
    card.locator("button.confirm").click()
    step = card.locator(".confirm-step")
    step.wait_for(state="visible")
    assert pair.target_name in step.inner_text()
    step.locator("button.confirm-no").click()
    step.wait_for(state="hidden")
    page.locator("#status").filter(has_text=f"Assignment {pair.first} was not confirmed").wait_for()
    assert _status(pair.first)[0] == "proposed"

    card.locator("button.confirm").click()
    step.locator("button.confirm-yes").click()
    page.locator("#status").filter(has_text=f"Assignment {pair.first} confirmed.").wait_for()
    assert card.get_attribute("data-state") == "decided" and card.locator("button").count() == 1  # "Show on the map"
    assert _status(pair.first)[0] == "confirmed"
    assert errors(watched) == [] and outside(watched) == []


def test_the_supervisor_rejects_with_a_reason(watched, live_server, pair):
    page = watched.page
    card = _open(page, live_server, pair, pair.second)
    card.locator("button.reject").click()  # no reason yet: asked for one, nothing sent
    page.locator("#status").filter(has_text="Give a reason to reject.").wait_for()
    assert _status(pair.second)[0] == "proposed"
    card.locator("input[name=reason]").fill("Two formations at one place")
    card.locator("button.reject").click()
    page.locator("#status").filter(has_text=f"Assignment {pair.second} rejected.").wait_for()
    assert _status(pair.second) == ("rejected", "Two formations at one place")

    page.reload(wait_until="networkidle")  # decided: the list no longer offers it
    assert page.locator(f"article.proposal[data-id='{pair.second}']").count() == 0
    assert errors(watched) == []


def test_a_decision_taken_elsewhere_meanwhile_gives_a_clear_message(browser, live_server, pair, demo_app):
    """The page was opened before another supervisor confirmed: its confirm is refused, with why."""
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            extra = propose_pair(session, datetime.now(ALMATY).date() + timedelta(days=7))
            session.commit()
        assert extra is not None
        context, w = watch(browser, live_server, "admin", viewport={"width": 390, "height": 844}, is_mobile=True)
        try:
            page = w.page
            page.goto(f"{live_server}/supervise?officer_id={extra.officer_id}", wait_until="networkidle")
            card = page.locator(f"article.proposal[data-id='{extra.first}']")
            card.wait_for()
            assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
            if SHOTS:
                page.screenshot(path=f"{SHOTS}/supervise-phone.png", full_page=True)
            with Session(engine) as session:
                services.confirm_assignment(session, extra.first, actor=SYSTEM, officer_id=extra.officer_id)
                session.commit()
            card.locator("button.confirm").click()
            card.locator("button.confirm-yes").click()
            problem = card.locator(".problem")
            problem.filter(has_text="only proposed ones can be confirmed").wait_for()
            assert "Someone may have decided it meanwhile" in problem.inner_text()
            assert errors(w, refused=(400,)) == []
        finally:
            context.close()
        with Session(engine) as session:
            for assignment_id in (extra.first, extra.second):
                services.cancel_assignment(session, assignment_id, actor=SYSTEM, reason="browser test")
            session.commit()
    finally:
        engine.dispose()
