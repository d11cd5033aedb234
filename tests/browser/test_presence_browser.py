"""Presence in a real chromium: the leader consents and checks in on "My shifts" on a phone, the
browser's geolocation (granted, moved between sends) is sent every few seconds with a visible
indicator, Stop stops it, and the dispatcher's board shows the dosage. Nothing is sent before check-in.

The formation, its member and the shift are stored in the committed demo database for this module
and removed after it. The app's presence interval is shortened to 3 s for the module.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from geo.db import make_engine
from geo.db.demo_accounts import first_active_officer_of_zone
from geo.db.models import (Assignment, AssignmentMember, Formation, LocationConsent, Participant, PatrolZone,
                           PresencePosition, UserAccount)
from geo.demo.accounts import SUPERVISED_ZONE

from tests.browser.conftest import DEMO_URL, watch
from tests.conftest import add_user

pytestmark = pytest.mark.browser

LOGINS = {"leader": "presence.leader", "dispatcher": "presence.dispatcher"}
PHONE = {"width": 390, "height": 800}


@dataclass(frozen=True)
class Shift:
    assignment: int
    formation: int
    participant: int
    lon: float
    lat: float


@pytest.fixture(scope="module")
def shift(demo_app):
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        zone = session.scalar(select(PatrolZone).where(PatrolZone.name == SUPERVISED_ZONE))
        lon, lat = session.execute(select(func.ST_X(func.ST_PointOnSurface(zone.geom)),
                                          func.ST_Y(func.ST_PointOnSurface(zone.geom)))).one()
        officer = first_active_officer_of_zone(session, SUPERVISED_ZONE)
        member = Participant(full_name="Presence Walker", birth_date=date(1990, 1, 1), registration_status="registered")
        session.add(member)
        session.flush()
        formation = Formation(name="Presence test squad", base_type="residence", leader_id=member.id,
                              home_area=session.scalar(select(func.ST_Multi(func.ST_Buffer(zone.geom, 0.01)))))
        session.add(formation)
        session.flush()
        now = datetime.now(timezone.utc)
        a = Assignment(formation_id=formation.id, patrol_zone_id=zone.id, regime="order-641", activity="8.1",
                       shift=Range(now - timedelta(hours=1), now + timedelta(hours=3), bounds="[)"),
                       officer_id=officer.id, status="confirmed", created_by="browser test")
        session.add(a)
        session.flush()
        session.add(AssignmentMember(assignment_id=a.id, participant_id=member.id))
        add_user(session, LOGINS["leader"], ["leader"], formation_id=formation.id)
        add_user(session, LOGINS["dispatcher"], ["dispatcher"])
        session.commit()
        stored = Shift(a.id, formation.id, member.id, float(lon), float(lat))
    kept = demo_app.extensions["kuzet"]
    demo_app.extensions["kuzet"] = replace(kept, presence=replace(kept.presence, interval_min=0.05))
    yield stored
    demo_app.extensions["kuzet"] = kept
    with Session(engine) as session:
        users = list(session.scalars(select(UserAccount.id).where(UserAccount.login.in_(list(LOGINS.values())))))
        session.execute(delete(Assignment).where(Assignment.id == stored.assignment))
        session.execute(text("ALTER TABLE location_consent DISABLE TRIGGER location_consent_append_only"))
        session.execute(delete(LocationConsent).where(LocationConsent.participant_id == stored.participant))
        session.execute(text("ALTER TABLE location_consent ENABLE TRIGGER location_consent_append_only"))
        session.execute(delete(UserAccount).where(UserAccount.id.in_(users)))
        session.execute(delete(Formation).where(Formation.id == stored.formation))
        session.execute(delete(Participant).where(Participant.id == stored.participant))
        session.commit()
    engine.dispose()


def _positions(assignment: int) -> list[tuple[float, float]]:
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        rows = session.execute(select(func.ST_X(PresencePosition.geom), func.ST_Y(PresencePosition.geom))
                               .where(PresencePosition.assignment_id == assignment)
                               .order_by(PresencePosition.at)).all()
    engine.dispose()
    return [(float(x), float(y)) for x, y in rows]


def test_the_leader_walks_with_consent_and_the_dispatcher_sees_the_dosage(browser, live_server, shift):
    ctx, w = watch(browser, live_server, LOGINS["leader"], viewport=PHONE, is_mobile=True,
                   geolocation={"longitude": shift.lon, "latitude": shift.lat, "accuracy": 10})
    ctx.grant_permissions(["geolocation"], origin=live_server)
    page = w.page
    page.goto(f"{live_server}/my/shifts")
    card = page.locator(f'.presence[data-assignment="{shift.assignment}"]')
    assert card.locator(".check-in").is_visible()
    assert page.locator("#location-consent .consent-statement").inner_text().count("30") >= 1
    page.wait_for_timeout(3500)
    assert _positions(shift.assignment) == []  # nothing before check-in (and no consent yet)

    page.click("#location-consent .consent-give")
    page.wait_for_selector("#location-consent .consent-withdraw:visible")
    card.locator(".check-in").click()
    page.wait_for_selector(f'.presence[data-assignment="{shift.assignment}"] .sending:visible')
    assert card.locator(".check-out").is_visible()
    sent = []
    for step in range(3):  # about 15 m between sends, 3 s apart: a walk
        page.wait_for_function("([sel, n]) => Number(document.querySelector(sel).dataset.sent || 0) >= n",
                               arg=[f'.presence[data-assignment="{shift.assignment}"]', step + 1], timeout=15000)
        sent.append((shift.lon + 0.0002 * (step + 1), shift.lat))
        ctx.set_geolocation({"longitude": sent[-1][0], "latitude": sent[-1][1], "accuracy": 10})
    page.wait_for_function("([sel, n]) => Number(document.querySelector(sel).dataset.sent || 0) >= n",
                           arg=[f'.presence[data-assignment="{shift.assignment}"]', 4], timeout=15000)
    card.locator(".stop-sending").click()
    page.wait_for_selector(f'.presence[data-assignment="{shift.assignment}"] .sending', state="hidden")
    stored = _positions(shift.assignment)
    assert len(stored) >= 4
    assert stored[0] == pytest.approx((shift.lon, shift.lat), abs=1e-6)
    assert {round(x, 4) for x, _ in stored} >= {round(x, 4) for x, _ in sent}  # the moved positions arrived
    page.wait_for_timeout(3500)
    assert len(_positions(shift.assignment)) == len(stored)  # Stop stops
    assert card.locator(".presence-error").is_hidden(), card.locator(".presence-error").inner_text()
    assert not w.errors, w.errors
    assert all(u.startswith(live_server) for u in w.requests if u.startswith("http")), w.requests
    ctx.close()

    ctx, w = watch(browser, live_server, LOGINS["dispatcher"])
    w.page.goto(f"{live_server}/dispatch")
    row = w.page.locator(f'.board-row[data-id="{shift.assignment}"]')
    row.wait_for(timeout=15000)
    dosage = row.locator(".presence-dosage").inner_text()
    assert "inside the target" in dosage and "visits 1" in dosage and "no route" in dosage
    assert not w.errors, w.errors
    ctx.close()
