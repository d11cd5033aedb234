"""The evaluation page in headless chromium on the demo: an analyst sees a patrolled zone's before and
after with its interval, filters by kind, and downloads the CSV."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from geo.db import make_engine
from geo.db.models import Assignment, PatrolZone, UserAccount

from tests.browser.conftest import DEMO_URL, watch
from tests.conftest import add_user

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def patrolled(demo_app):
    """The demo's own patrol history (geo.demo.history: Green Bazaar among its zones, patrolled for
    weeks from about two months ago), and an analyst; the name of that zone."""
    engine = make_engine(DEMO_URL)
    with Session(engine) as s:
        zone = s.scalars(select(PatrolZone).where(PatrolZone.name == "Green Bazaar")).one()
        assert s.scalar(select(func.count()).where(Assignment.patrol_zone_id == zone.id,
                                                   Assignment.status == "confirmed")) > 0
        if s.scalars(select(UserAccount).where(UserAccount.login == "eval-analyst")).first() is None:
            add_user(s, "eval-analyst", ["analyst"])
        s.commit()
        name = zone.name
    engine.dispose()
    return name


def test_an_analyst_sees_a_patrolled_zone_before_and_after_with_its_interval(browser, live_server, patrolled):
    context, watched = watch(browser, live_server, "eval-analyst")
    try:
        page = watched.page
        page.goto(live_server + "/analysis/evaluation", wait_until="networkidle")
        row = page.locator("table.evaluation tbody tr[data-kind=patrol_zone]").filter(has_text=patrolled)
        row.wait_for(timeout=30_000)
        cells = row.locator("td")
        assert "→" in cells.nth(3).inner_text()  # before → after
        interval = row.locator("td.interval").inner_text()
        assert "%" in interval and "…" in interval  # the change and its 95 % interval
        assert row.get_attribute("data-verdict") in {"fewer", "more", "no-clear-change", "too-wide"}
        assert page.locator("section.method").inner_text().count("Bowers and Johnson") == 1
        page.select_option("select[name=kind]", "patrol_zone")
        with page.expect_navigation(url="**/analysis/evaluation?*kind=patrol_zone*"):
            page.click("#evaluation-form button[type=submit]")
        assert page.locator("table.evaluation tbody tr[data-kind=public_place]").count() == 0
        assert page.locator("table.evaluation tbody tr").filter(has_text=patrolled).count() == 1
        with page.expect_download() as download:
            page.click("text=Download CSV")
        assert download.value.suggested_filename == "kuzet-evaluations.csv"
        assert not watched.errors, watched.errors
        assert all(urlsplit(u).hostname == "127.0.0.1" for u in watched.requests if u.startswith("http"))
    finally:
        context.close()
