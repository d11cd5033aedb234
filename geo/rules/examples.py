"""A valid assignment to start examples and tests from: change one fact to break one rule.

Formation 1 ("Samal Druzhina", notified) keeps order (item 8.1) on Republic Square for an
evening shift, supervised by an officer of the unit covering the square, on duty all day.
``individual_facts`` is a lone participant's item 6.1 task there (item 6, no officer needed).

Examples
--------
>>> from dataclasses import replace
>>> facts = example_facts()
>>> late = replace(facts, shift=shift("2026-05-09 20:00", "2026-05-10 01:00"))
>>> late.shift.local_date()
datetime.date(2026, 5, 9)
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from ..domain import (DEFAULT_TIMEZONE, AssignmentFacts, CertificateStatus, FormationFacts, HomeAreaFacts,
                      MemberFacts, Notification, OfficerFacts, Period, PublicPlaceKind, RecordedForm,
                      RegistrationStatus, Shift, TargetFacts, TargetKind)

ALMATY = ZoneInfo(DEFAULT_TIMEZONE)


def at(text: str) -> datetime:
    """``YYYY-MM-DD HH:MM`` read as Almaty time."""
    return datetime.fromisoformat(text).replace(tzinfo=ALMATY)


def period(start: str, end: str) -> Period:
    """A period between two Almaty times."""
    return Period(at(start), at(end))


def shift(start: str, end: str) -> Shift:
    """A shift between two Almaty times."""
    return Shift(at(start), at(end))


def member(id: int = 11, name: str = "Aigerim Sadykova", **changes) -> MemberFacts:
    """An eligible participant: registered, adult, certificate issued, trained."""
    values = dict(registration=RegistrationStatus.REGISTERED, birth_date=date(1990, 3, 14),
                  certificate=CertificateStatus.ISSUED, legal_training_on=date(2026, 1, 20))
    values.update(changes)
    return MemberFacts(id=id, name=name, **values)


def example_facts() -> AssignmentFacts:
    """A valid item 8.1 assignment under Order 641 (no rule is broken)."""
    return AssignmentFacts(
        formation=FormationFacts(1, "Samal Druzhina", is_collective=True,
                                 notification=Notification(7, date(2026, 2, 1), "UPP-7/2026-15")),
        target=TargetFacts(TargetKind.PUBLIC_PLACE, 5, "Republic Square", place_kind=PublicPlaceKind.SQUARE),
        activity_code="8.1",
        shift=shift("2026-05-09 18:00", "2026-05-09 23:00"),
        officer=OfficerFacts(21, "Capt. Nurlan Abenov", active=True, unit_id=7, unit_covers_target=True,
                             duty=(period("2026-05-09 08:00", "2026-05-10 00:00"),)),
        target_unit_ids=(7,),
        home_area=HomeAreaFacts(inside=True, distance_m=0.0),
        members=(member(), member(12, "Daniyar Omarov", birth_date=date(2001, 7, 2))),
    )


def individual_facts(form: str = RecordedForm.INDIVIDUAL) -> AssignmentFacts:
    """A valid item 6.1 assignment of one individual participant (no formation, no officer).

    Examples
    --------
    >>> from geo.regimes import get_regime
    >>> from geo.rules import check_assignment
    >>> check_assignment(individual_facts(), get_regime())
    []
    """
    aigerim = member()
    return AssignmentFacts(
        formation=FormationFacts(aigerim.id, aigerim.name, is_collective=False, participation_form=str(form)),
        target=TargetFacts(TargetKind.PUBLIC_PLACE, 5, "Republic Square", place_kind=PublicPlaceKind.SQUARE),
        activity_code="6.1",
        shift=shift("2026-05-09 18:00", "2026-05-09 23:00"),
        target_unit_ids=(7,),
        members=(aigerim,),
    )


def local_inspector(**changes) -> OfficerFacts:
    """An officer of the local police inspectors (item 6.2's specified services), on duty all day."""
    values = dict(id=22, name="Maj. Aliya Serikova", active=True, unit_id=7, unit_covers_target=True,
                  duty=(period("2026-05-09 08:00", "2026-05-10 00:00"),), service="local-inspector")
    values.update(changes)
    return OfficerFacts(**values)
