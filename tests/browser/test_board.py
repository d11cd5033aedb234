"""The dispatcher's shift board in a real chromium on the demo: propose, see the row, filter it, show its
target on the map, cancel from the row, undo, edit the time; a click on overlapping targets offers each."""
from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import Point
from sqlalchemy import delete
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.db import make_engine
from geo.db.models import Assignment, PublicPlace
from geo.services import AssignmentRequest

from tests.browser.conftest import DEMO_URL
from tests.browser.test_dispatch import (ALMATY, FIND_MAP, _cancel, assignment_ids, click_at, errors, open_dispatch,
                                         outside, plan_for, ready)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def plan(demo_app):
    # two days ahead: test_dispatch books tomorrow's evening
    return plan_for(datetime.now(ALMATY).date() + timedelta(days=2))


def row(page, assignment_id: int):
    return page.locator(f"#board-rows li.board-row[data-id='{assignment_id}']")


def propose(page, plan) -> int:
    click_at(page, plan.lat, plan.lon)
    ready(page, plan.name)
    page.locator("#formations li.eligible input").first.wait_for()
    page.locator(f"#officers input[value='{plan.officer_id}']").check()
    before = assignment_ids(page)
    page.locator("#propose").click()
    page.locator("#outcome.ok").wait_for()
    page.wait_for_function("n => document.querySelectorAll('#board-rows li.board-row').length >= n",
                           arg=len(before) + 1)
    [created] = [i for i in assignment_ids(page) if i not in before]
    return created


def stored(assignment_id: int) -> Assignment:
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            return session.get(Assignment, assignment_id)
    finally:
        engine.dispose()


def book_morning(plan, formation_id: int) -> int:
    """The formation booked on the plan's target for the morning of its day, by the system."""
    start = datetime.combine(plan.day, time(8), ALMATY)
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            a = services.assign_formation(session, AssignmentRequest(
                formation_id, plan.kind, plan.target_id, "8.1", start, start + timedelta(hours=4), plan.officer_id),
                actor=SYSTEM)
            session.commit()
            return a.id
    finally:
        engine.dispose()


@pytest.fixture
def booked():
    """Ids of the assignments a test stores; each still live afterwards is cancelled (the formation
    is free again for the next test, whatever became of this one)."""
    ids: list[int] = []
    yield ids
    for assignment_id in ids:
        if stored(assignment_id).status in ("proposed", "confirmed"):
            _cancel(assignment_id)


def test_the_dispatcher_works_an_assignment_from_the_board(watched, live_server, plan, booked):
    page = open_dispatch(watched, live_server, plan.day)
    created = propose(page, plan)
    booked.append(created)
    mine = row(page, created)
    mine.wait_for()
    assert plan.name in mine.inner_text() and mine.get_attribute("data-state") == "proposed"
    assert page.locator("#undo").is_visible()  # the proposal may be undone for a while

    # filters: by text (formation, officer or target) and by state
    formation = mine.locator(".who strong").inner_text()
    page.locator("#board-text").fill(formation)
    assert mine.is_visible()
    page.locator("#board-text").fill("no such formation anywhere")
    mine.wait_for(state="detached")
    assert "No assignment matches" in page.locator("#board-count").inner_text()
    page.locator("#board-text").fill("")
    page.locator("#board-state").select_option("cancelled")
    mine.wait_for(state="detached")
    page.locator("#board-state").select_option("proposed")
    mine.wait_for()
    page.locator("#board-state").select_option("")

    # a click on the row flies the map to its target and outlines it
    page.evaluate(f"() => {FIND_MAP}.setView([43.1, 77.2], 11, {{animate: false}})")
    mine.locator(".where").click()
    page.wait_for_function(f"""([lat, lon]) => {{
        const map = {FIND_MAP};
        return !map._animatingZoom && !map._panAnim?._inProgress && map.getZoom() >= 14
            && map.getBounds().contains([lat, lon]);
    }}""", arg=[plan.lat, plan.lon], timeout=10000)
    assert page.locator(".leaflet-container").get_attribute("data-shown") == f"{plan.kind}:{plan.target_id}"
    assert "current" in mine.get_attribute("class")

    # cancel from the row, with a reason
    mine.locator("button.cancel").click()
    mine.locator(".cancel-form input[name=reason]").fill("rain")
    mine.locator(".cancel-form button[type=submit]").click()
    page.locator(f"#board-rows li[data-id='{created}'][data-state='cancelled']").wait_for()
    assert stored(created).status == "cancelled" and created not in assignment_ids(page)

    # undo the cancellation: proposed again, on the map again
    page.locator("#undo-button").click()
    page.locator(f"#board-rows li[data-id='{created}'][data-state='proposed']").wait_for()
    assert stored(created).status == "proposed" and created in assignment_ids(page)
    assert "Undone" in page.locator("#board-note").inner_text()

    # edit the shift's end from the row: the rules run again and pass
    row(page, created).locator("button.edit").click()
    end = row(page, created).locator("fieldset[data-moment=ends_at] [data-part=time]")
    end.fill("21:30")
    row(page, created).locator(".edit-form button[type=submit]").click()
    row(page, created).locator(".when").filter(has_text="21:30").wait_for()
    assert stored(created).shift.upper.astimezone(ALMATY).strftime("%H:%M") == "21:30"

    # an edit the rules refuse (the formation is booked that morning) says why in the row, stores nothing
    morning = book_morning(plan, stored(created).formation_id)
    booked.append(morning)
    row(page, created).locator("button.edit").click()
    row(page, created).locator("fieldset[data-moment=starts_at] [data-part=time]").fill("10:00")
    row(page, created).locator(".edit-form button[type=submit]").click()
    row(page, created).locator(".violations li[data-code='no-double-booking']").wait_for()
    assert "Refused" in page.locator("#board-note").inner_text()
    assert stored(created).shift.lower.astimezone(ALMATY).strftime("%H:%M") == "18:00"

    # the officer too: the row offers the officers the rules allow for the shift, the one named now chosen
    # (the refused edit's form is still open: closed and opened afresh)
    row(page, created).locator(".edit-form button.close").click()
    row(page, created).locator("button.edit").click()
    officer = row(page, created).locator(".edit-form select[name=officer_id]")
    page.wait_for_function("s => s.options.length > 2", arg=officer.element_handle())
    assert officer.input_value() == str(plan.officer_id)
    others = officer.locator("option").evaluate_all(
        "os => os.filter(o => o.value && !o.textContent.includes('not eligible')).map(o => [o.value, o.textContent])")
    other, label = next((v, t) for v, t in others if v != str(plan.officer_id))
    officer.select_option(other)
    row(page, created).locator(".edit-form button[type=submit]").click()
    row(page, created).locator(".when").filter(has_text=label.split(",")[0]).wait_for()
    assert stored(created).officer_id == int(other)
    assert errors(watched, refused=(422,)) == []
    assert outside(watched) == []


@pytest.fixture
def square_on_the_target(plan):
    """A public place drawn on top of the plan's target around its clear point, removed after the test."""
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            place = PublicPlace(name="Board test square", kind="square",
                                geom=from_shape(Point(plan.lon, plan.lat).buffer(0.0002), srid=4326))
            session.add(place)
            session.commit()
            place_id = place.id
        yield place_id
    finally:
        with Session(engine) as session:
            session.execute(delete(PublicPlace).where(PublicPlace.id == place_id))
            session.commit()
        engine.dispose()


def test_a_click_on_overlapping_targets_offers_each_and_takes_the_chosen_one(watched, live_server, plan,
                                                                              square_on_the_target):
    page = open_dispatch(watched, live_server, plan.day)
    click_at(page, plan.lat, plan.lon)
    chooser = page.locator(".target-chooser .chooser")
    chooser.wait_for()
    offered = chooser.locator("button").evaluate_all("bs => bs.map(b => [b.dataset.kind, Number(b.dataset.id)])")
    assert ["public_place", square_on_the_target] in offered and [plan.kind, plan.target_id] in offered
    assert "Board test square" in chooser.inner_text()
    chooser.locator(f"button[data-kind='{plan.kind}'][data-id='{plan.target_id}']").click()
    ready(page, plan.name)
    page.locator(".target-chooser").wait_for(state="detached")  # closed once a target is chosen
    assert errors(watched) == []
