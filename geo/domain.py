"""Closed sets of values the layers speak about, each with the act and item it comes from.

A value outside these sets cannot be stored: the database repeats each set as a CHECK.
"""
from __future__ import annotations

from enum import StrEnum

DEFAULT_TIMEZONE = "Asia/Almaty"


class PublicPlaceKind(StrEnum):
    """Public places of Order 641 item 8.1 ("streets, squares, stations, thoroughfares and other")."""

    STREET = "street"
    SQUARE = "square"
    STATION = "station"
    THOROUGHFARE = "thoroughfare"
    PARK = "park"
    MARKET = "market"
    STADIUM = "stadium"
    OTHER = "other"


class EventKind(StrEnum):
    """Events of Order 641 item 8.1 ("sporting, cultural, mass and entertainment events")."""

    SPORTING = "sporting"
    CULTURAL = "cultural"
    MASS = "mass"
    ENTERTAINMENT = "entertainment"


class CampusKind(StrEnum):
    """Educational institutions of Order 641 item 8.7, incl. hostels and practice workshops."""

    SCHOOL = "school"
    COLLEGE = "college"
    UNIVERSITY = "university"
    HOSTEL = "hostel"
    WORKSHOP = "workshop"
    OTHER = "other"


class FormationBase(StrEnum):
    """Where a collective formation acts: Order 641 item 7 (residence, work, study, property)."""

    RESIDENCE = "residence"
    WORK = "work"
    STUDY = "study"
    PROPERTY = "property"


class IncidentSource(StrEnum):
    """Where an incident record comes from; a citizen's report is not a registered crime."""

    POLICE_RECORD = "police-record"
    FORMATION_REPORT = "formation-report"
    CITIZEN_REPORT = "citizen-report"
    IMPORT = "import"
    SYNTHETIC_DEMO = "synthetic-demo"


def values(enum: type[StrEnum]) -> tuple[str, ...]:
    """The stored values of a closed set, in declaration order."""
    return tuple(member.value for member in enum)
