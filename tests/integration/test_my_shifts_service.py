"""The leader's own shifts and their acknowledgement, against PostGIS."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from geo.access import SYSTEM
from geo.db.models import Assignment, AuditLog
from geo.errors import Forbidden, InvalidInput, NotFound
from geo.db.assignments import assignment_rows
from geo.services import acknowledge_assignment, my_shift, my_shifts

from tests.support.leader_world import lw  # noqa: F401  (fixture)


def test_a_leader_sees_exactly_their_formations_shifts_upcoming_first(session, lw):
    shown = my_shifts(session, lw.leader, now=lw.now)
    assert shown["formation"]["id"] == lw.world.formation
    assert [f["id"] for f in shown["features"]] == [lw.upcoming, lw.past]
    upcoming, past = (f["properties"] for f in shown["features"])
    assert upcoming["upcoming"] and not past["upcoming"]
    assert upcoming["officer"] == {"id": lw.world.officer, "name": "Capt. Abenov", "rank": "captain",
                                   "unit": "Centre police", "phone": None}
    assert upcoming["members"] == [{"id": lw.world.adult, "name": "Aigerim Sadykova", "certificate_number": "C-001",
                                    "certificate_status": "issued"}]
    assert shown["features"][0]["geometry"]["type"] == "Polygon"
    assert upcoming["starts_at"].endswith("+05:00")


def test_another_formations_shift_is_not_found(session, lw):
    with pytest.raises(NotFound):
        my_shift(session, lw.leader, lw.other)
    with pytest.raises(NotFound):
        acknowledge_assignment(session, lw.leader, lw.other, now=lw.now)
    assert session.get(Assignment, lw.other).acknowledged_at is None


def test_only_a_leader_with_a_formation_has_shifts(session, lw):
    with pytest.raises(Forbidden):
        my_shifts(session, lw.dispatcher)
    with pytest.raises(Forbidden):
        my_shifts(session, SYSTEM)  # an admin leads no formation


def test_acknowledging_records_who_and_when_once_and_the_dispatcher_sees_it(session, lw):
    shown = acknowledge_assignment(session, lw.leader, lw.upcoming, now=lw.now)
    assert shown["properties"]["acknowledged_by"] == "Leader"
    stored = session.get(Assignment, lw.upcoming)
    assert stored.acknowledged_at == lw.now and stored.acknowledged_by == lw.leader.user_id
    again = acknowledge_assignment(session, lw.leader, lw.upcoming, now=lw.now + timedelta(hours=1))
    assert again["properties"]["acknowledged_at"] == shown["properties"]["acknowledged_at"]
    entries = session.scalars(select(AuditLog).where(AuditLog.entity == "assignment",
                                                     AuditLog.entity_id == lw.upcoming)).all()
    assert [(e.action, e.actor) for e in entries] == [("acknowledge", lw.leader.login)]
    [seen] = assignment_rows(session, ids=[lw.upcoming])  # what the dispatcher's assignment JSON shows
    assert seen.acknowledged_by == "Leader" and seen.acknowledged_at == lw.now


def test_an_ended_or_cancelled_shift_cannot_be_acknowledged(session, lw):
    with pytest.raises(InvalidInput, match="ended"):
        acknowledge_assignment(session, lw.leader, lw.past, now=lw.now)
    session.get(Assignment, lw.upcoming).status = "cancelled"
    session.flush()
    with pytest.raises(InvalidInput, match="cancelled"):
        acknowledge_assignment(session, lw.leader, lw.upcoming, now=lw.now)
