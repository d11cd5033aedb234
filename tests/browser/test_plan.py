"""The planner in a real chromium on the demo: propose a plan for a shift, inspect it, accept it, see it dispatched."""
from __future__ import annotations

import os
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.db import make_engine
from geo.services.accounts import list_users

from tests.browser.conftest import DEMO_URL, Watched, watch
from tests.browser.test_dispatch import FIND_MAP, assignment_ids, errors, outside
from tests.conftest import add_user

pytestmark = pytest.mark.browser

SCREENSHOT = os.environ.get("KUZET_PLAN_SCREENSHOT")  # e.g. /tmp/kuzet-plan.png
ALMATY = ZoneInfo("Asia/Almaty")
PLANNER = "planner"


@pytest.fixture(scope="module")
def shift_day(demo_app) -> date:
    """A day of the demo whose evening shift (18:00–22:00) the planner can staff, one with an under-staffed
    event if there is one (the demo's match); and a dispatcher account."""
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            if PLANNER not in {u["login"] for u in list_users(session, SYSTEM)}:
                add_user(session, PLANNER, ["dispatcher"])
                session.commit()
            today, plannable = datetime.now(ALMATY).date(), []
            for offset in range(2, 9):
                day = today + timedelta(days=offset)
                evening = services.PlanRequest(datetime.combine(day, time(18), ALMATY),
                                               datetime.combine(day, time(22), ALMATY))
                proposal = services.propose_plan(session, evening, viewer=SYSTEM)
                session.rollback()
                if proposal.items:
                    plannable.append((not proposal.shortfalls, offset, day))
    finally:
        engine.dispose()
    if not plannable:
        pytest.fail("no evening of the coming week can be planned on the demo")
    return min(plannable)[2]


@pytest.fixture
def planner(browser, live_server, shift_day) -> Watched:
    """A page signed in as a dispatcher (not an admin), watched for errors and outside requests."""
    context, w = watch(browser, live_server, PLANNER, viewport={"width": 1400, "height": 900})
    yield w
    context.close()


def test_a_dispatcher_proposes_inspects_and_accepts_a_plan(planner, live_server, shift_day, hostile_name):
    page = planner.page
    page.goto(f"{live_server}/dispatch")
    page.locator("nav.pages a", has_text="Plan").click()
    page.wait_for_url("**/dispatch/plan")
    page.fill("input[name=date]", shift_day.isoformat())
    page.fill("input[name=start]", "18:00")
    page.fill("input[name=end]", "22:00")
    with page.expect_response("**/api/v1/plans") as answer:
        page.locator("#propose").click()
        page.locator("#plan-status[data-state=solving] .spinner").wait_for()  # progress while solving
    proposal = answer.value.json()
    page.locator("#plan-status[data-state=done]").wait_for()
    assert "date=" + shift_day.isoformat() in page.url

    # inspect: coverage, explanation, one row per item with its officer, targets drawn by outcome
    assert f"{proposal['coverage_percent']:.1f} %" in page.locator("#coverage").inner_text()
    assert page.locator("#explanation li").count() == len(proposal["explanation"]) >= 2
    rows = page.locator("#plan-items tr[data-index]")
    assert rows.count() == len(proposal["items"]) >= 1
    for k, item in enumerate(proposal["items"]):
        text = rows.nth(k).inner_text()
        assert item["formation"] in text and item["target_name"] in text and (item["officer"] or "none") in text
    states = page.evaluate(f"""() => {{
        const seen = {{}};
        {FIND_MAP}.eachLayer(l => {{ if (l.feature && l.feature.properties.state)
            seen[l.feature.properties.state] = (seen[l.feature.properties.state] || 0) + 1; }});
        return seen;
    }}""")
    assert states.get("assigned", 0) >= 1 and states.get("no_demand", 0) >= 1
    assert states.get("short", 0) == len(proposal["shortfalls"])
    for short in proposal["shortfalls"]:
        assert f"under-staffed by {short['shortfall']}" in page.locator("#explanation").inner_text()
    shown = page.evaluate(f"""() => {{
        let text = null;
        {FIND_MAP}.eachLayer(l => {{ if (l.feature && String(l.feature.properties.name).includes("onerror")) {{
            l.openTooltip(); text = l.getTooltip().getElement().textContent; }} }});
        return text;
    }}""")
    assert hostile_name in shown and page.locator('img[src="x"]').count() == 0

    # accept all: every item goes through the dispatcher's rules and is stored
    with page.expect_response("**/api/v1/plans/accept") as accepted:
        page.locator("#accept-all").click()
    results = accepted.value.json()["results"]
    page.locator("#accept-outcome.ok a").wait_for()
    assert all(r["stored"] for r in results), results
    assert page.locator("#plan-items tr[data-result=stored]").count() == len(results)
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT)

    # the assignments are on the dispatcher's map of that day
    page.locator("#accept-outcome a").click()
    page.wait_for_url(f"**/dispatch?date={shift_day.isoformat()}")
    page.wait_for_selector(".leaflet-draw-toolbar")
    assert {r["assignment_id"] for r in results} <= set(assignment_ids(page))
    assert errors(planner) == []
    assert outside(planner) == []
