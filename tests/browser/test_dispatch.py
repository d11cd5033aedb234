"""The dispatcher in a real chromium on the demo: click a target, propose, see it on the map; see violations."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import geopandas as gpd
import pytest
import shapely
from sqlalchemy import text
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.crs import utm_crs_for
from geo.db import make_engine

from tests.browser.conftest import DEMO_URL

pytestmark = pytest.mark.browser

SCREENSHOT = os.environ.get("KUZET_DISPATCH_SCREENSHOT")  # e.g. /tmp/kuzet-dispatch.png
ALMATY = ZoneInfo("Asia/Almaty")
KINDS = ("patrol_zone", "campus", "public_place")  # targets of supervised item 8.1 / 8.7 work
CLEAR_M = 30.0  # the clicked point is this far from every other target drawn


@dataclass(frozen=True)
class Plan:
    """A target the dispatcher can click without hitting another, on a day the demo's officers are on duty."""

    day: date
    kind: str
    target_id: int
    name: str
    lat: float
    lon: float
    officer_id: int


def _clear_point(frames: dict, kind: str, row) -> shapely.Point | None:
    """A point of the target at least CLEAR_M from every other drawn target (streets are hidden)."""
    crs = utm_crs_for(row.geometry.centroid.x, row.geometry.centroid.y)
    others = []
    for name, frame in frames.items():
        shown = frame[frame["kind"] != "street"] if name == "public_place" else frame
        shown = shown[~((name == kind) & (shown["id"] == row.id))]
        others.append(shown.to_crs(crs).geometry)
    mine = frames[kind].loc[frames[kind]["id"] == row.id].to_crs(crs).geometry.iloc[0]
    blocked = shapely.union_all([g.buffer(CLEAR_M) for series in others for g in series if mine.distance(g) < 1000])
    free = mine.difference(blocked) if blocked is not None else mine
    if free.is_empty or free.area < 400:
        return None
    return gpd.GeoSeries([free.representative_point()], crs=crs).to_crs(4326).iloc[0]


def clear_target(session: Session, day: date, kinds, accept, *, activity: str | None = None):
    """``(kind, row, point, options)`` of the first target of ``kinds`` (streets aside) whose dispatch
    options for ``day`` 18:00-22:00 ``accept`` takes and that has a point clear of the other targets."""
    start, end = datetime.combine(day, time(18), ALMATY), datetime.combine(day, time(22), ALMATY)
    frames = {**services.dispatch_day(session, day, limit=10_000, viewer=SYSTEM).targets}
    for kind in kinds:
        for row in frames[kind].itertuples():
            if kind == "public_place" and row.kind == "street":
                continue
            options = services.dispatch_options(session, target_kind=kind, target_id=int(row.id), starts_at=start,
                                                ends_at=end, activity=activity, viewer=SYSTEM)
            if not accept(options):
                continue
            point = _clear_point(frames, kind, row)
            if point is not None:
                return kind, row, point, options
    return None


def _supervised(options) -> bool:
    return (any(o["can_supervise"] for o in options["officers"])
            and any(f["eligible"] for f in options["formations"]))


@pytest.fixture(scope="module")
def plan(demo_app) -> Plan:
    return plan_for(datetime.now(ALMATY).date() + timedelta(days=1))


def plan_for(day: date) -> Plan:
    """A target of the demo with an eligible formation and a free officer on ``day``'s evening."""
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            found = clear_target(session, day, KINDS, _supervised)
    finally:
        engine.dispose()
    if found is None:
        pytest.fail("the demo has no target with an eligible formation and a free officer tomorrow evening")
    kind, row, point, options = found
    officer = next(o["id"] for o in options["officers"] if o["can_supervise"])
    return Plan(day, kind, int(row.id), row.name, point.y, point.x, officer)


FIND_MAP = "Object.values(window).find(v => v instanceof L.Map)"


def open_dispatch(watched, live_server, day: date):
    page = watched.page
    page.goto(f"{live_server}/dispatch?date={day.isoformat()}", wait_until="networkidle")
    page.wait_for_selector(".leaflet-draw-toolbar")
    return page


def click_at(page, lat: float, lon: float) -> None:
    """Centre the map on a point at street zoom and click it with the mouse, as a dispatcher would.

    The page opens with the map fitted to its districts, which Leaflet may animate: a view set while
    that zoom animation runs is undone when it ends, so the view is set once the map is still."""
    page.evaluate(f"""([lat, lon]) => new Promise(done => {{
        const map = {FIND_MAP};
        const centre = () => {{ map.setView([lat, lon], 17, {{animate: false}}); done(); }};
        if (map._animatingZoom) map.once("zoomend", centre); else centre();
    }})""", [lat, lon])
    # The targets come from vector tiles: click once the tiles of this view are drawn.
    page.evaluate("""() => new Promise(done => {
        const setup = JSON.parse(document.getElementById("dispatch-setup").textContent);
        const loading = setup.tile_targets.map(e => window[e[0]]).filter(g => g && g._map && g.isLoading());
        let left = loading.length;
        if (!left) done();
        loading.forEach(g => g.once("load", () => { if (--left === 0) done(); }));
        setTimeout(done, 10000);
    })""")
    page.wait_for_timeout(300)
    x, y = page.evaluate(f"""([lat, lon]) => {{
        const map = {FIND_MAP};
        if (map.getZoom() !== 17) map.setView([lat, lon], 17, {{animate: false}});
        const p = map.latLngToContainerPoint([lat, lon]);
        const box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }}""", [lat, lon])
    page.mouse.click(x, y)


def ready(page, name: str) -> None:
    """Wait until the options of the target called ``name`` are shown."""
    page.locator("#assign-form[data-state='ready'] #target").filter(has_text=name).wait_for()


def set_moment(page, name: str, day: str, clock: str) -> None:
    """Type a date and a 24-hour time into the page's pair of fields for ``name``."""
    box = page.locator(f"fieldset[data-moment={name}]")
    box.locator("[data-part=date]").fill(day)
    box.locator("[data-part=time]").fill(clock)
    box.locator("[data-part=time]").dispatch_event("change")


def assignment_ids(page) -> list[int]:
    return page.evaluate(f"""() => {{
        const setup = JSON.parse(document.getElementById("dispatch-setup").textContent);
        const ids = [];
        window[setup.assignments].eachLayer(l => ids.push(l.feature.properties.id));
        return ids;
    }}""")


def errors(watched, *, refused: tuple[int, ...] = ()) -> list[str]:
    """Console and page errors, less chromium's note on each API answer the test expects to be a refusal."""
    expected = tuple(f"the server responded with a status of {status} " for status in refused)
    return [e for e in watched.errors if not (e.startswith("console: Failed to load resource") and
                                              any(x in e for x in expected))]


def outside(watched) -> list[str]:
    return [url for url in watched.requests if not url.startswith("data:") and urlsplit(url).hostname != "127.0.0.1"]


def _cancel(assignment_id: int) -> None:
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            services.cancel_assignment(session, assignment_id, actor=SYSTEM, reason="browser test")
            session.commit()
    finally:
        engine.dispose()


def _stored_locale(login: str, value: str | None) -> None:
    engine = make_engine(DEMO_URL)
    try:
        with engine.begin() as conn:
            conn.execute(text("UPDATE user_account SET locale = :v WHERE login = :login"), {"v": value, "login": login})
    finally:
        engine.dispose()


def test_in_kazakh_the_dispatcher_proposes_an_assignment_and_in_russian_reads_a_violation(browser, live_server, plan):
    """(First: it gives back the formation it books.) The real catalogues: the dispatcher's page switched to қаз completes an assignment and says so in
    Kazakh; switched to ru, a rule of the Order refuses a formation in Russian and stores nothing."""
    from tests.browser.conftest import watch

    context, w = watch(browser, live_server, "admin")
    try:
        page = open_dispatch(w, live_server, plan.day)
        page.locator(".locale-switch button[value=kk]").click()
        page.locator("html[lang=kk]").wait_for(state="attached")
        page.wait_for_selector(".leaflet-draw-toolbar")
        assert f"date={plan.day.isoformat()}" in page.url  # the switch came back to the same day
        click_at(page, plan.lat, plan.lon)
        ready(page, plan.name)
        page.locator("#formations li.eligible input").first.wait_for()
        page.locator(f"#officers input[value='{plan.officer_id}']").check()
        before = assignment_ids(page)
        page.locator("#propose").click()
        page.locator("#outcome.ok").wait_for()
        assert "тағайындау ұсынылды" in page.locator("#outcome").inner_text()
        created = [i for i in assignment_ids(page) if i not in before]
        assert len(created) == 1

        page.locator(".locale-switch button[value=ru]").click()
        page.locator("html[lang=ru]").wait_for(state="attached")
        page.wait_for_selector(".leaflet-draw-toolbar")
        click_at(page, plan.lat, plan.lon)
        ready(page, plan.name)
        stored = assignment_ids(page)
        page.locator("#formations li[data-codes~='formation-notified'] input").first.check()
        page.locator("#propose").click()
        violation = page.locator("#violations li[data-code='formation-notified']")
        violation.wait_for()
        assert "не уведомило территориальный орган внутренних дел" in violation.inner_text()
        assert violation.locator(".item").inner_text() == "Приказ МВД № 641, Правила, п. 7"
        assert page.locator("#regime-note").inner_text() == (
            "Правила: Приказ МВД № 641 от 27.11.2004 в редакции от 05.10.2023")
        assert assignment_ids(page) == stored  # nothing more was stored
        assert errors(w, refused=(422,)) == []
        assert outside(w) == []
        _cancel(created[0])  # the formation is free again for the tests after this one
    finally:
        context.close()
        _stored_locale("admin", None)  # the other tests read English


def test_the_dispatcher_proposes_an_assignment_and_then_sees_a_violation(watched, live_server, plan):
    page = open_dispatch(watched, live_server, plan.day)
    click_at(page, plan.lat, plan.lon)
    ready(page, plan.name)
    page.locator("#formations li.eligible input").first.wait_for()
    assert page.locator("#formations li.eligible input:checked").count() == 1
    page.locator(f"#officers input[value='{plan.officer_id}']").check()
    page.locator("#members summary").click()
    page.locator("#members li").first.wait_for()
    before = assignment_ids(page)
    page.locator("#propose").click()
    page.locator("#outcome.ok").wait_for()
    if SCREENSHOT:  # mid-flow: the new assignment on the map, the form ready for the next one
        page.evaluate(f"() => {{ {FIND_MAP}.setZoom(15, {{animate: false}}); }}")
        ready(page, plan.name)
        page.screenshot(path=SCREENSHOT)
    created = [i for i in assignment_ids(page) if i not in before]
    assert len(created) == 1, page.locator("#outcome").inner_text()
    assert plan.name in page.locator("#outcome").inner_text()
    assert page.locator("#violations li").count() == 0
    ready(page, plan.name)  # the options were asked again: the formation is booked now

    # the same target and shift with a formation that never notified the police (item 7)
    unnotified = page.locator("#formations li[data-codes~='formation-notified'] input").first
    unnotified.check()
    page.locator("#propose").click()
    violation = page.locator("#violations li[data-code='formation-notified']")
    violation.wait_for()
    assert "has not notified the territorial police body" in violation.inner_text()
    assert violation.locator(".item").inner_text() == "Order 641, Rules item 7"  # the act, not the bare item
    assert page.locator("#regime-note").is_visible()
    assert page.locator("#regime-note").inner_text() == "Rules: MIA Order 641 of 27.11.2004 as amended 05.10.2023"
    assert len(assignment_ids(page)) == len(before) + 1  # nothing more was stored
    assert errors(watched, refused=(422,)) == []
    assert outside(watched) == []


def test_a_shift_beyond_the_officers_duty_is_refused_with_the_reason(watched, live_server, plan):
    page = open_dispatch(watched, live_server, plan.day)
    click_at(page, plan.lat, plan.lon)
    ready(page, plan.name)
    beyond_roster = (plan.day + timedelta(days=30)).isoformat()  # demo duty runs two weeks ahead
    set_moment(page, "starts_at", f"{beyond_roster}", "18:00")
    set_moment(page, "ends_at", f"{beyond_roster}", "22:00")
    ready(page, plan.name)
    officer = page.locator(f"#officers li:has(input[value='{plan.officer_id}'])")
    officer.filter(has_text="not on duty for the whole shift").wait_for()
    officer.locator("input").check()
    page.locator("#propose").click()
    violation = page.locator("#violations li[data-code='police-supervision']").first
    violation.wait_for()
    assert "not on duty for the whole shift" in violation.inner_text()
    # a detail of "direct management": a design choice under item 8.1, and the page says so
    assert violation.locator(".item").inner_text() == "design choice (D) under Order 641, Rules item 8.1"
    assert errors(watched, refused=(422,)) == []


def test_a_drawn_patrol_zone_is_saved_and_becomes_the_target(watched, live_server, plan):
    page = open_dispatch(watched, live_server, plan.day)
    page.evaluate(f"([lat, lon]) => {{ {FIND_MAP}.setView([lat, lon], 16, {{animate: false}}); }}",
                  [plan.lat, plan.lon])
    box = page.locator(".folium-map").bounding_box()
    page.locator(".leaflet-draw-draw-rectangle").click()
    x, y = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    page.mouse.move(x - 60, y - 40)
    page.mouse.down()
    page.mouse.move(x + 60, y + 40, steps=8)
    page.mouse.up()
    page.locator("#new-area").wait_for(state="visible")
    page.fill("#area-form input[name=name]", "Drawn by the browser test")
    page.locator("#area-form button[type=submit]").click()
    page.locator("#target").filter(has_text="Drawn by the browser test").wait_for()
    assert page.locator("#new-area").is_hidden()
    assert errors(watched) == []


def _hostile_zone_id(hostile_name: str) -> int:
    engine = make_engine(DEMO_URL)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT id FROM patrol_zone WHERE name = :n"), {"n": hostile_name}).scalar_one()
    finally:
        engine.dispose()


def test_a_hostile_target_name_is_shown_as_text(watched, live_server, plan, hostile_name):
    page = open_dispatch(watched, live_server, plan.day)
    zone_id = _hostile_zone_id(hostile_name)
    # The patrol zones come from vector tiles: a click on the tile layer carries the feature's id.
    selected = page.evaluate("""(id) => {
        const setup = JSON.parse(document.getElementById("dispatch-setup").textContent);
        const entry = setup.tile_targets.find(e => e[1] === "patrol_zone");
        if (!entry) return false;
        window[entry[0]].fire("click", {layer: {properties: {id: id}}, latlng: L.latLng(43.06, 76.81)});
        return true;
    }""", zone_id)
    assert selected
    page.locator("#target").filter(has_text=hostile_name).wait_for()
    assert page.locator('img[src="x"]').count() == 0
    assert errors(watched) == []


def test_the_dispatch_map_draws_its_targets_from_vector_tiles(watched, live_server, plan):
    page = open_dispatch(watched, live_server, plan.day)
    html = page.content()
    # kuzet-tiles.js counts the features it draws per layer on <body data-tile-features-...>.
    page.locator("body[data-tile-features-patrol-zone]").wait_for(timeout=15000)
    assert int(page.locator("body").get_attribute("data-tile-features-patrol-zone")) > 0
    requested = {url.split("/tiles/")[1].split("/")[0] for url in watched.requests
                 if "/tiles/" in url and url.endswith(".mvt")}
    assert {"patrol_zone", "campus", "public_place"} <= requested, requested
    assert "onerror" not in html  # the hostile zone's name is not embedded in the page
    assert errors(watched) == []


# The supervisor's sign-off (a confirm in two steps) is tested in test_supervise.py.


def test_a_double_click_on_propose_stores_one_assignment(watched, live_server, plan):
    """Propose is idempotent: the page sends one Idempotency-Key per proposal and the server stores one
    assignment per key, so a double click (or a resend) never books twice."""
    other = plan_for(plan.day + timedelta(days=2))
    day, officer = other.day, other.officer_id
    page = open_dispatch(watched, live_server, day)
    click_at(page, other.lat, other.lon)
    ready(page, other.name)
    page.locator("#formations li.eligible input").first.wait_for()
    page.locator(f"#officers input[value='{officer}']").check()
    page.locator("#propose").dblclick()
    page.locator("#outcome.ok").wait_for()
    page.wait_for_load_state("networkidle")
    # the choices stay after the success, so a later second click repeats the same proposal: told, not stored
    assert page.locator("#formations input:checked").count() == 1
    assert page.locator(f"#officers input[value='{officer}']").is_checked()
    page.locator("#propose").click()
    page.locator("#outcome.ok", has_text="already proposed").wait_for()
    page.wait_for_load_state("networkidle")
    engine = make_engine(DEMO_URL)
    try:
        with engine.connect() as conn:
            rows = conn.execute(text(f"SELECT id, request_key FROM assignment WHERE {other.kind}_id = :id "
                                     "AND lower(shift) >= :day AND status = 'proposed'"),
                                {"id": other.target_id, "day": day}).all()
    finally:
        engine.dispose()
    assert len(rows) == 1 and rows[0].request_key, rows
    _cancel(rows[0].id)
    assert errors(watched) == []


def test_shift_times_are_typed_in_24_hour_form_whatever_the_browsers_clock(watched, live_server, plan):
    """The shift's time is a 24-hour HH:MM field beside a date (the browser's own time field showed
    "06:00 PM" cut to "06:00"); what is sent is the date and time typed."""
    page = open_dispatch(watched, live_server, plan.day)
    start = page.locator("fieldset[data-moment=starts_at] [data-part=time]")
    assert start.input_value() == "18:00" and start.get_attribute("type") == "text"
    set_moment(page, "starts_at", plan.day.isoformat(), "19:30")
    assert page.locator("input[name=starts_at]").input_value() == f"{plan.day.isoformat()}T19:30"
    set_moment(page, "starts_at", plan.day.isoformat(), "25:00")  # no such hour: refused, nothing kept
    assert page.locator("input[name=starts_at]").input_value() == ""
    assert page.evaluate("() => !document.querySelector('fieldset[data-moment=starts_at] [data-part=time]')"
                         ".checkValidity()")
    set_moment(page, "starts_at", plan.day.isoformat(), "7:05")
    assert page.locator("input[name=starts_at]").input_value() == f"{plan.day.isoformat()}T07:05"
    assert errors(watched) == []
