"""Twenty dispatchers book one formation for overlapping shifts at once: exactly one wins."""
from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import delete, select, text
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM
from geo.db.models import (Assignment, AssignmentMember, Campus, District, Event, Formation, FormationMember,
                           Officer, OfficerDuty, Participant, PatrolZone, PoliceUnit, PublicPlace)
from geo.errors import Conflict, RuleViolation
from geo.services import AssignmentRequest

from tests.support.dispatch_world import at, build

REQUESTS = 20


def test_twenty_concurrent_overlapping_bookings_store_exactly_one(engine):
    with Session(engine) as setup:
        world = build(setup, tag=" (race)")
        setup.commit()
    barrier = threading.Barrier(REQUESTS)
    outcomes: list[tuple[str, object]] = [None] * REQUESTS  # type: ignore[list-item]

    def dispatcher(i: int) -> None:
        start = at("2026-12-05 18:00") + timedelta(minutes=5 * i)  # every pair of shifts overlaps
        request = AssignmentRequest(world.formation, "patrol_zone", world.zone, "8.1", start,
                                    start + timedelta(hours=2), officer_id=world.officer)
        with Session(engine) as session:
            barrier.wait()
            try:
                a = services.assign_formation(session, request, actor=SYSTEM)
                session.commit()
                outcomes[i] = ("stored", a.id)
            except RuleViolation as exc:  # Conflict is a RuleViolation too
                session.rollback()
                outcomes[i] = (type(exc).__name__, [v.code for v in exc.violations])

    threads = [threading.Thread(target=dispatcher, args=(i,)) for i in range(REQUESTS)]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        stored = [o for o in outcomes if o and o[0] == "stored"]
        refused = [o for o in outcomes if o and o[0] != "stored"]
        assert len(stored) == 1, outcomes
        assert len(refused) == REQUESTS - 1
        assert all(codes == ["no-double-booking"] for _, codes in refused)
        with engine.connect() as conn:
            assert conn.scalar(text("SELECT count(*) FROM assignment WHERE formation_id = :f"),
                               {"f": world.formation}) == 1
        print("outcomes:", sorted({o[0] for o in refused}), "conflicts:",
              sum(o[0] == Conflict.__name__ for o in refused))
    finally:
        _remove(engine, world)


def _remove(engine, world) -> None:
    """The world was committed for the threads to see it; take it away again (history stays: append-only)."""
    with Session(engine) as s:
        ids = s.scalars(select(Assignment.id).where(Assignment.formation_id.in_([world.formation, world.unnotified])))
        ids = list(ids)
        s.execute(delete(AssignmentMember).where(AssignmentMember.assignment_id.in_(ids)))
        s.execute(delete(Assignment).where(Assignment.id.in_(ids)))
        s.execute(delete(FormationMember).where(FormationMember.formation_id.in_([world.formation, world.unnotified])))
        s.execute(delete(Formation).where(Formation.id.in_([world.formation, world.unnotified])))
        s.execute(delete(Participant).where(Participant.id.in_([world.adult, world.minor])))
        officers = [world.officer, world.other_officer, world.inactive_officer]
        s.execute(delete(OfficerDuty).where(OfficerDuty.officer_id.in_(officers)))
        s.execute(delete(Officer).where(Officer.id.in_(officers)))
        s.execute(delete(Event).where(Event.id == world.event))
        s.execute(delete(PublicPlace).where(PublicPlace.id == world.street))
        s.execute(delete(Campus).where(Campus.id == world.campus))
        s.execute(delete(PatrolZone).where(PatrolZone.id.in_([world.zone, world.far_zone])))
        s.execute(delete(PoliceUnit).where(PoliceUnit.id.in_([world.unit, world.other_unit])))
        s.execute(delete(District).where(District.name.like("% (%race)")))
        s.commit()


def test_concurrent_bookings_never_give_an_officer_more_formations_than_the_regime_allows(engine):
    from geoalchemy2.shape import from_shape
    from shapely.geometry import MultiPolygon, box

    from geo.regimes import get_regime

    capacity = get_regime().max_formations_per_officer
    requests = capacity + 3
    with Session(engine) as setup:
        world = build(setup, tag=" (officer race)")
        extra = []
        for i in range(requests):
            f = Formation(name=f"Squad {i} (officer race)", base_type="residence",
                          home_area=from_shape(MultiPolygon([box(76.91, 43.23, 76.95, 43.27)]), srid=4326),
                          notified_unit_id=world.unit, notified_on=world_date(), notification_ref=f"N-{i}")
            setup.add(f)
            setup.flush()
            setup.add(FormationMember(formation_id=f.id, participant_id=world.adult, joined_on=world_date()))
            extra.append(f.id)
        setup.commit()
    barrier = threading.Barrier(requests)
    stored: list[int] = []
    refused: list[list[str]] = []

    def dispatcher(formation_id: int) -> None:
        request = AssignmentRequest(formation_id, "patrol_zone", world.zone, "8.1", at("2026-12-05 18:00"),
                                    at("2026-12-05 22:00"), officer_id=world.officer)
        with Session(engine) as session:
            barrier.wait()
            try:
                stored.append(services.assign_formation(session, request, actor=SYSTEM).id)
                session.commit()
            except RuleViolation as exc:
                session.rollback()
                refused.append([v.code for v in exc.violations])

    threads = [threading.Thread(target=dispatcher, args=(f,)) for f in extra]
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)
        assert len(stored) == capacity
        assert len(refused) == requests - capacity and all(c == ["no-double-booking"] for c in refused)
    finally:
        with Session(engine) as s:
            ids = list(s.scalars(select(Assignment.id).where(Assignment.formation_id.in_(extra))))
            s.execute(delete(AssignmentMember).where(AssignmentMember.assignment_id.in_(ids)))
            s.execute(delete(Assignment).where(Assignment.id.in_(ids)))
            s.execute(delete(FormationMember).where(FormationMember.formation_id.in_(extra)))
            s.execute(delete(Formation).where(Formation.id.in_(extra)))
            s.commit()
        _remove(engine, world)


def world_date():
    from datetime import date

    return date(2026, 1, 1)
