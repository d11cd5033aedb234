"""A small world to dispatch in: one district and unit, targets, formations, officers, participants."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import MultiPolygon, Point, box
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from geo.db.models import (Campus, District, Event, Formation, FormationMember, Officer, OfficerDuty,
                           Participant, PatrolZone, PoliceUnit, PublicPlace)

ALMATY = ZoneInfo("Asia/Almaty")
CENTRE = box(76.90, 43.22, 76.98, 43.28)        # the unit's jurisdiction
ELSEWHERE = box(77.00, 43.22, 77.08, 43.28)     # a second unit's


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=ALMATY)


def wkb(geom):
    return from_shape(geom, srid=4326)


@dataclass
class World:
    unit: int
    other_unit: int
    zone: int
    event: int
    street: int
    campus: int
    far_zone: int
    formation: int
    unnotified: int
    officer: int
    other_officer: int
    inactive_officer: int
    adult: int
    minor: int


def build(session: Session, tag: str = "") -> World:
    """Store the world (names suffixed by ``tag``) and return its ids."""
    def add(obj):
        session.add(obj)
        session.flush()
        return obj.id

    d1 = add(District(name=f"Centre{tag}", geom=wkb(MultiPolygon([CENTRE]))))
    d2 = add(District(name=f"East{tag}", geom=wkb(MultiPolygon([ELSEWHERE]))))
    unit = add(PoliceUnit(name=f"Centre police{tag}", district_id=d1, station=wkb(Point(76.94, 43.25)),
                          jurisdiction=wkb(MultiPolygon([CENTRE]))))
    other = add(PoliceUnit(name=f"East police{tag}", district_id=d2, jurisdiction=wkb(MultiPolygon([ELSEWHERE]))))
    home = box(76.91, 43.23, 76.95, 43.27)
    world = World(
        unit=unit, other_unit=other,
        zone=add(PatrolZone(name=f"Green market{tag}", police_unit_id=unit, geom=wkb(box(76.92, 43.24, 76.93, 43.25)))),
        event=add(Event(name=f"Derby{tag}", kind="sporting", starts_at=at("2026-12-05 17:00"),
                        ends_at=at("2026-12-05 22:00"), expected_attendance=20000,
                        geom=wkb(box(76.935, 43.245, 76.94, 43.25)))),
        street=add(PublicPlace(name=f"Abay avenue{tag}", kind="street",
                               geom=wkb(box(76.93, 43.24, 76.97, 43.241).exterior))),
        campus=add(Campus(name=f"KazNU{tag}", kind="university", geom=wkb(MultiPolygon([box(76.925, 43.235, 76.93, 43.24)])))),
        far_zone=add(PatrolZone(name=f"Far zone{tag}", police_unit_id=other, geom=wkb(box(77.02, 43.24, 77.03, 43.25)))),
        formation=add(Formation(name=f"Samal{tag}", base_type="residence", home_area=wkb(MultiPolygon([home])),
                                notified_unit_id=unit, notified_on=date(2026, 2, 1), notification_ref="UP-7/15")),
        unnotified=add(Formation(name=f"Aksai{tag}", base_type="study", home_area=wkb(MultiPolygon([home])))),
        officer=add(Officer(name=f"Capt. Abenov{tag}", rank="captain", police_unit_id=unit, active=True)),
        other_officer=add(Officer(name=f"Maj. Serikov{tag}", rank="major", police_unit_id=other, active=True)),
        inactive_officer=add(Officer(name=f"Lt. Ospanov{tag}", rank="lieutenant", police_unit_id=unit, active=False)),
        adult=add(Participant(full_name=f"Aigerim Sadykova{tag}", birth_date=date(1990, 3, 14),
                              registration_status="registered", certificate_number=f"C-001{tag}",
                              certificate_status="issued", legal_training_on=date(2026, 1, 20))),
        minor=add(Participant(full_name=f"Timur Bekov{tag}", birth_date=date(2009, 1, 1),
                              registration_status="registered", certificate_number=f"C-002{tag}",
                              certificate_status="issued", legal_training_on=date(2026, 1, 20))),
    )
    for officer in (world.officer, world.other_officer, world.inactive_officer):
        session.add(OfficerDuty(officer_id=officer, period=Range(at("2026-12-05 08:00"), at("2026-12-06 08:00"))))
    for formation in (world.formation, world.unnotified):
        session.add(FormationMember(formation_id=formation, participant_id=world.adult, joined_on=date(2026, 1, 1)))
    session.add(FormationMember(formation_id=world.formation, participant_id=world.minor, joined_on=date(2026, 1, 1)))
    session.flush()
    return world


@pytest.fixture(scope="module")
def world(module_session) -> World:
    """The world built once per module; each test using it runs in a savepoint rolled back after it."""
    built = build(module_session)
    module_session.commit()
    return built
