"""The individual form in a real chromium on the demo (Order 641 items 5-6): the dispatcher gives an
individual participant an item 6.1 task on /dispatch; the participant signs in, sees it on "My
shifts" and files a 6.1 report by a click on the map."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from geo.db import make_engine
from geo.db.demo_accounts import first_individual_participant
from geo.db.models import Assignment, FieldReport

from tests.browser.conftest import DEMO_URL, watch
from tests.browser.test_dispatch import _cancel, assignment_ids, clear_target, click_at, errors, open_dispatch, ready
from tests.browser.test_leader import click_report_map
from tests.conftest import add_user

pytestmark = pytest.mark.browser

ALMATY = ZoneInfo("Asia/Almaty")
KINDS = ("patrol_zone", "public_place", "campus")  # item 6 targets (regime ITEM_6_TARGETS)
LOGIN = "individual"


@dataclass(frozen=True)
class Task:
    """A clear target tomorrow evening for which the demo's individual participant is eligible for 6.1."""

    day: date
    kind: str
    target_id: int
    name: str
    lat: float
    lon: float
    participant_id: int
    participant: str


@pytest.fixture(scope="module")
def task(demo_app) -> Task:
    day = datetime.now(ALMATY).date() + timedelta(days=1)
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            person = first_individual_participant(session)
            add_user(session, LOGIN, ["participant"], participant_id=person.id)
            session.commit()
            found = clear_target(session, day, KINDS, lambda options: any(
                i["participant_id"] == person.id and i["eligible"] for i in options["individuals"]), activity="6.1")
    finally:
        engine.dispose()
    if found is None:
        pytest.fail("the demo has no item 6 target where its individual participant may work tomorrow evening")
    kind, row, point, _options = found
    return Task(day, kind, int(row.id), row.name, point.y, point.x, person.id, person.full_name)


def _stored(model, **where):
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            return session.scalars(select(model).filter_by(**where)).all()
    finally:
        engine.dispose()


def test_item_6_the_dispatcher_gives_an_individual_a_task_and_they_see_it_and_report(browser, live_server, task):
    context, w = watch(browser, live_server, "admin")
    created = []
    try:
        page = open_dispatch(w, live_server, task.day)
        click_at(page, task.lat, task.lon)
        ready(page, task.name)
        page.select_option("select[name=activity]", "6.1")
        page.locator("#assign-form[data-state='ready'] #individuals:not([hidden])").wait_for()
        page.locator(f"#individuals input[value='{task.participant_id}']").check()
        assert page.locator("input[name=formation_id]:checked").count() == 0  # one assignee only
        page.locator("#officers input[value='']").check()  # item 6.1 needs no officer
        before = assignment_ids(page)
        page.locator("#propose").click()
        page.locator("#outcome.ok").wait_for()
        assert task.participant in page.locator("#outcome").inner_text()
        created = [i for i in assignment_ids(page) if i not in before]
        assert len(created) == 1
        [stored] = _stored(Assignment, id=created[0])
        assert (stored.participant_id, stored.formation_id, stored.activity) == (task.participant_id, None, "6.1")
        assert errors(w) == []
    finally:
        context.close()

    context, w = watch(browser, live_server, LOGIN)
    try:
        page = w.page
        page.goto(f"{live_server}/my/shifts", wait_until="networkidle")
        assert task.participant in page.locator("h1").inner_text()
        card = page.locator(f"article.shift[data-id='{created[0]}']")
        assert task.name in card.locator("h2").inner_text()
        assert "6.1" in card.locator(".activity").inner_text()
        page.locator("main.leader-page a", has_text="New report").click()
        page.wait_for_url("**/reports/new")
        click_report_map(page)
        assert page.locator("input[name=lat]").input_value() != ""
        labels = page.locator("select[name=item] option").all_inner_texts()
        assert any(label.startswith("6.6: ") for label in labels)
        page.select_option("select[name=category]", "crime-information")
        page.select_option("select[name=item]", "6.1")
        page.fill("textarea[name=description]", "A group is preparing to break into the kiosk by the stop")
        page.click("form#report-form button[type=submit]")
        page.wait_for_url(re.compile(r"/reports/\d+$"))
        assert page.locator("dd.item").inner_text().startswith("6.1: ")
        report_id = int(page.url.rstrip("/").rsplit("/", 1)[1])
        [report] = _stored(FieldReport, id=report_id)
        assert (report.item, report.participant_id) == ("6.1", task.participant_id)
        assert errors(w) == []
    finally:
        context.close()
        for assignment_id in created:
            _cancel(assignment_id)
