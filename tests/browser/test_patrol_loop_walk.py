"""Issue 17's loop on the demo, in a real chromium, each role with its own account: the analyst runs
Gi* over the demo's incidents; the dispatcher gives the demo's led formation a shift in Green Bazaar (one of the zones of the demo's patrol history)
that begins now and plans its walking route from the board, through the run's hottest cells; the supervisor confirms it; the leader,
on a phone, consents, checks in and walks the route (the browser's geolocation is moved along the
stored route between sends); the dispatcher's board shows the dosage; the analyst's evaluation page
shows Green Bazaar's before/after with its interval.

The walk is fast-forwarded: the app sends a position every ~2 s instead of every few minutes, and its
plausible speed is raised to match (the speed limit itself is tested in tests/web/test_presence_api.py).
The demo gives the formation an evening shift of its own today; when the walk's two hours overlap it,
that shift is set aside (cancelled) for the module and restored after, with the walk's shift and
accounts removed.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, func, select, text, update
from sqlalchemy.orm import Session

from geo.db import make_engine
from geo.db.demo_accounts import first_active_officer_of_zone, formation_id
from geo.db.models import AnalysisRun, Assignment, LocationConsent, PatrolRoute, PatrolZone, UserAccount
from geo.demo.accounts import LED_FORMATION, SUPERVISED_ZONE

from tests.browser.conftest import DEMO_URL, watch
from tests.conftest import add_user

pytestmark = pytest.mark.browser

LOGINS = {"dispatcher": "loop.dispatcher", "supervisor": "loop.supervisor", "leader": "loop.leader",
          "analyst": "loop.analyst"}
DESKTOP = {"viewport": {"width": 1280, "height": 860}}
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}
STEPS = 24  # positions sent along the route
ZONE = ZoneInfo("Asia/Almaty")


@dataclass(frozen=True)
class Loop:
    zone: int
    formation: int
    leader_participant: int
    officer: int
    starts_at: datetime
    ends_at: datetime


def _db():
    engine = make_engine(DEMO_URL)
    return engine, Session(engine)


@pytest.fixture(scope="module")
def loop(demo_app):
    engine, session = _db()
    with session:
        assert SUPERVISED_ZONE == "Green Bazaar"
        zone = session.scalar(select(PatrolZone.id).where(PatrolZone.name == SUPERVISED_ZONE))
        formation = formation_id(session, LED_FORMATION)
        leader = session.scalar(text("SELECT leader_id FROM formation WHERE id = :f"), {"f": formation})
        officer = first_active_officer_of_zone(session, SUPERVISED_ZONE).id
        starts_at = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(minutes=2)
        ends_at = starts_at + timedelta(hours=2)
        aside = dict(session.execute(
            select(Assignment.id, Assignment.status).where(
                Assignment.formation_id == formation, Assignment.status.in_(["proposed", "confirmed"]),
                Assignment.shift.op("&&")(func.tstzrange(starts_at, ends_at)))).all())
        session.execute(update(Assignment).where(Assignment.id.in_(list(aside))).values(status="cancelled"))
        add_user(session, LOGINS["dispatcher"], ["dispatcher"])
        add_user(session, LOGINS["supervisor"], ["supervisor"], officer_id=officer)
        add_user(session, LOGINS["leader"], ["leader"], formation_id=formation)
        add_user(session, LOGINS["analyst"], ["analyst"])
        session.commit()
        made = Loop(zone, formation, int(leader), int(officer), starts_at, ends_at)
    kept = demo_app.extensions["kuzet"]
    demo_app.extensions["kuzet"] = replace(kept, presence=replace(kept.presence, interval_min=0.03,
                                                                  max_speed_kmh=2_000.0))
    yield made
    demo_app.extensions["kuzet"] = kept
    with session:
        session.execute(delete(Assignment).where(Assignment.created_by == LOGINS["dispatcher"]))
        session.execute(delete(AnalysisRun).where(AnalysisRun.created_by == LOGINS["analyst"]))
        session.execute(text("ALTER TABLE location_consent DISABLE TRIGGER location_consent_append_only"))
        session.execute(delete(LocationConsent).where(LocationConsent.participant_id == made.leader_participant,
                                                      LocationConsent.at >= datetime.now(timezone.utc) - timedelta(hours=3)))
        session.execute(text("ALTER TABLE location_consent ENABLE TRIGGER location_consent_append_only"))
        session.execute(delete(UserAccount).where(UserAccount.login.in_(list(LOGINS.values()))))
        for assignment_id, status in aside.items():
            session.execute(update(Assignment).where(Assignment.id == assignment_id).values(status=status))
        session.commit()
    engine.dispose()


def _outside(requests: list[str]) -> list[str]:
    return [u for u in requests if u.startswith("http") and urlsplit(u).hostname != "127.0.0.1"]


def _along_route(assignment_id: int) -> list[tuple[float, float]]:
    """STEPS + 1 points evenly along the stored route, start to start."""
    engine, session = _db()
    with session:
        route = select(PatrolRoute.geom).where(PatrolRoute.assignment_id == assignment_id).scalar_subquery()
        points = [session.execute(select(func.ST_X(func.ST_LineInterpolatePoint(route, k / STEPS)),
                                         func.ST_Y(func.ST_LineInterpolatePoint(route, k / STEPS)))).one()
                  for k in range(STEPS + 1)]
    engine.dispose()
    return [(float(x), float(y)) for x, y in points]


def test_a_routed_patrol_is_walked_its_dosage_shown_and_the_zone_evaluated(browser, live_server, loop):
    # 0. The analyst finds the hot spots: a Gi* run over all the demo's incidents, stored
    context, analyst = watch(browser, live_server, LOGINS["analyst"], **DESKTOP)
    page = analyst.page
    page.goto(f"{live_server}/analysis", wait_until="networkidle")
    run = page.evaluate("""async () => {
        const r = await fetch("/api/v1/analyses", {method: "POST", body: JSON.stringify({method: "gi_star"}),
            headers: {"Content-Type": "application/json", "Accept": "application/json",
                      "X-CSRFToken": kuzet.csrfToken()}});
        return {status: r.status, body: await r.json()};
    }""")
    assert run["status"] in (200, 201), run
    run_id = int(run["body"]["id"])
    assert not analyst.errors and not _outside(analyst.requests)
    context.close()

    # 1. The dispatcher gives the formation a shift beginning now, then plans its route from the board
    context, dispatcher = watch(browser, live_server, LOGINS["dispatcher"], **DESKTOP)
    page = dispatcher.page
    page.goto(f"{live_server}/dispatch", wait_until="networkidle")
    answer = page.evaluate("""async (body) => {
        const r = await fetch("/api/v1/assignments", {method: "POST", body: JSON.stringify(body),
            headers: {"Content-Type": "application/json", "Accept": "application/json",
                      "X-CSRFToken": kuzet.csrfToken()}});
        return {status: r.status, body: await r.json()};
    }""", {"formation_id": loop.formation, "target_kind": "patrol_zone", "target_id": loop.zone,
           "activity": "8.1", "officer_id": loop.officer,
           "starts_at": loop.starts_at.isoformat(), "ends_at": loop.ends_at.isoformat()})
    assert answer["status"] == 201, answer
    assignment_id = int(answer["body"]["id"])
    local_day = loop.starts_at.astimezone(ZONE).date().isoformat()
    page.goto(f"{live_server}/dispatch?date={local_day}", wait_until="networkidle")
    row = page.locator(f"#board-rows li.board-row[data-id='{assignment_id}']")
    row.locator("button.plan-route").click()
    start = row.locator(".route-form select[name=start]")
    page.wait_for_function("s => s.options.length > 1 && !s.disabled", arg=start.element_handle())
    start.select_option(index=0)
    row.locator(".route-form button[type=submit]").click()
    page.wait_for_function("""(id) => {
        const row = document.querySelector(`#board-rows li.board-row[data-id='${id}']`);
        const note = document.getElementById("board-note");
        return (row && !row.querySelector(".route-summary").hidden) || (note && /\\bbad\\b|error/.test(note.className));
    }""", arg=assignment_id, timeout=60_000)
    assert row.locator(".route-summary").is_visible(), page.locator("#board-note").inner_text()
    assert " km, " in row.locator(".route-summary").inner_text()
    assert not dispatcher.errors and not _outside(dispatcher.requests)
    context.close()
    engine, session = _db()
    with session:
        route = session.scalar(select(PatrolRoute).where(PatrolRoute.assignment_id == assignment_id))
        assert route is not None and 0 < route.length_m and route.minutes <= 2 * 60
        assert (route.source, route.analysis_run_id) == ("analysis_run", run_id) and route.weight > 0
        length_m = route.length_m
    engine.dispose()

    # 2. The supervisor confirms it, asked once more
    context, supervisor = watch(browser, live_server, LOGINS["supervisor"], **DESKTOP)
    page = supervisor.page
    page.goto(f"{live_server}/supervise", wait_until="networkidle")
    card = page.locator(f"article.proposal[data-id='{assignment_id}']")
    card.locator("button.confirm").click()
    card.locator("button.confirm-yes").click()
    page.locator("#status").filter(has_text=f"Assignment {assignment_id} confirmed.").wait_for()
    assert not supervisor.errors and not _outside(supervisor.requests)
    context.close()

    # 3. The leader, on a phone, sees the route, consents, checks in and walks it
    walk = _along_route(assignment_id)
    context, leader = watch(browser, live_server, LOGINS["leader"], **PHONE,
                            geolocation={"longitude": walk[0][0], "latitude": walk[0][1], "accuracy": 10})
    context.grant_permissions(["geolocation"], origin=live_server)
    page = leader.page
    page.goto(f"{live_server}/my/shifts", wait_until="networkidle")
    shift_card = page.locator(f"article#shift-{assignment_id}")
    assert f"{length_m / 1000:.1f} km" in shift_card.locator("p.route").inner_text()
    box = f'.presence[data-assignment="{assignment_id}"]'
    if page.locator("#location-consent .consent-give").is_visible():
        page.click("#location-consent .consent-give")
    page.wait_for_selector("#location-consent .consent-withdraw:visible")
    page.locator(f"{box} .check-in").click()
    page.wait_for_selector(f"{box} .sending:visible")
    for step, (lon, lat) in enumerate(walk[1:], start=1):
        page.wait_for_function("([sel, n]) => Number(document.querySelector(sel).dataset.sent || 0) >= n",
                               arg=[box, step], timeout=20_000)
        context.set_geolocation({"longitude": lon, "latitude": lat, "accuracy": 10})
    page.wait_for_function("([sel, n]) => Number(document.querySelector(sel).dataset.sent || 0) >= n",
                           arg=[box, len(walk)], timeout=20_000)
    page.locator(f"{box} .check-out").click()
    page.wait_for_selector(f"{box} .sending", state="hidden")
    assert page.locator(f"{box} .presence-error").is_hidden(), page.locator(f"{box} .presence-error").inner_text()
    assert not leader.errors and not _outside(leader.requests)
    context.close()

    # 4. The dispatcher sees the dosage: time inside, a visit, most of the route walked
    context, dispatcher = watch(browser, live_server, LOGINS["dispatcher"], **DESKTOP)
    page = dispatcher.page
    page.goto(f"{live_server}/dispatch?date={local_day}", wait_until="networkidle")
    dosage = page.locator(f"#board-rows li.board-row[data-id='{assignment_id}'] .presence-dosage").inner_text()
    walked = re.search(r"route walked (\d+) %", dosage)
    assert "inside the target" in dosage and re.search(r"visits [1-9]", dosage) and walked, dosage
    assert int(walked.group(1)) >= 50, dosage
    figures = page.evaluate("""async (id) => (await (await fetch(`/api/v1/assignments/${id}/presence`,
                                              {headers: {Accept: "application/json"}})).json()).dosage""",
                            assignment_id)
    assert figures["minutes_inside"] > 0 and figures["visits"] >= 1 and figures["route_share"] >= 0.5, figures
    assert not dispatcher.errors and not _outside(dispatcher.requests)
    context.close()

    # 5. The analyst's evaluation page: Green Bazaar before and after its patrols, with the interval
    context, analyst = watch(browser, live_server, LOGINS["analyst"], **DESKTOP)
    page = analyst.page
    page.goto(f"{live_server}/analysis/evaluation", wait_until="networkidle")
    zone_row = page.locator("table.evaluation tbody tr[data-kind=patrol_zone]").filter(has_text=SUPERVISED_ZONE)
    zone_row.wait_for(timeout=30_000)
    assert "→" in zone_row.locator("td").nth(3).inner_text()
    interval = zone_row.locator("td.interval").inner_text()
    assert "%" in interval and "…" in interval, interval
    assert not analyst.errors and not _outside(analyst.requests)
    context.close()
