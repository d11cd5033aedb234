"""Closed sets of values the layers speak about, each with the act and item it comes from.

A value outside these sets cannot be stored: the database repeats each set as a CHECK.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

# The zone of Kazakhstan (UTC+5 since March 2024): the regime reads legal dates in it, and the app
# shows and reads local times in it unless configured otherwise (geo.settings.Settings.timezone).
DEFAULT_TIMEZONE = "Asia/Almaty"
# How an import reads a local time that a DST change makes ambiguous (it happens twice) or absent
# (it never happens): the earlier or the later instant it can mean, or not at all (geo.ingest.times).
AMBIGUOUS_TIMES = ("earliest", "latest", "refuse")
DEFAULT_AMBIGUOUS = "latest"  # what PostgreSQL does when it casts such a text to timestamptz
# The range of a stored whole number (PostgreSQL integer): ids, counts, attendance.
INT_MIN, INT_MAX = -2**31, 2**31 - 1


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


# --- Facts the rules of geo/rules/ speak about -------------------------------------------------


class ParticipationForm(StrEnum):
    """The two forms of participation: Order 641 item 5."""

    INDIVIDUAL = "individual"
    COLLECTIVE = "collective"


class RecordedForm(StrEnum):
    """The form a participant records (Order 641 item 5: individual or collective participation);
    ``both``: a member of a formation who also assists on their own."""

    INDIVIDUAL = "individual"
    MEMBER = "member"
    BOTH = "both"


class OfficerService(StrEnum):
    """The police service an officer belongs to (our names); item 6.2 names local police inspectors
    and units for minors, the regime says which services an activity needs."""

    LOCAL_INSPECTOR = "local-inspector"
    JUVENILE = "juvenile"
    PATROL = "patrol"
    CRIMINAL = "criminal"
    TRAFFIC = "traffic"
    DUTY = "duty"


class TargetKind(StrEnum):
    """What an assignment is aimed at; one layer each (items 6 and 8.1–8.7). An incident is none: its
    record is for the police staff only, and aid at its scene (8.2/8.3) goes to the emergency area the
    police declare there."""

    PATROL_ZONE = "patrol_zone"
    PUBLIC_PLACE = "public_place"
    EVENT = "event"
    PASTURE = "pasture"
    CROP_FIELD = "crop_field"
    CAMPUS = "campus"
    EMERGENCY_AREA = "emergency_area"


# The kinds an assignment is stored against (a layer each, named by a column of the assignment).
ASSIGNABLE_KINDS: tuple[str, ...] = tuple(kind.value for kind in TargetKind)


class RegistrationStatus(StrEnum):
    """A participant's registration pipeline: Law 590-II art. 5 (check 30 days, akimat 7 working days)."""

    APPLIED = "applied"
    POLICE_CHECK = "police-check"
    REFUSED = "refused"
    PETITION_TO_AKIMAT = "petition-to-akimat"
    REGISTERED = "registered"
    SUSPENDED = "suspended"
    WITHDRAWN = "withdrawn"
    DEREGISTERED = "deregistered"


class CertificateStatus(StrEnum):
    """A participant's certificate and badge (Order 641 item 2.2, Appendix 2)."""

    ISSUED = "issued"
    RETURNED = "returned"
    LOST = "lost"
    WITHDRAWN = "withdrawn"


WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")  # 0 = Monday, as datetime.weekday()


@dataclass(frozen=True)
class Period:
    """A time range ``[start, end)`` of aware datetimes, as a ``tstzrange`` stores it."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        if self.start.tzinfo is None or self.end.tzinfo is None:
            raise ValueError("a period needs timezone-aware datetimes")
        if not self.start < self.end:
            raise ValueError("a period must start before it ends")

    def contains(self, other: Period) -> bool:
        """True when ``other`` lies wholly inside this period (edges included)."""
        return self.start <= other.start and other.end <= self.end

    def overlaps(self, other: Period) -> bool:
        """True when the two periods share time; touching ends do not overlap, as with ``&&``."""
        return self.start < other.end and other.start < self.end

    def widened(self, *, before: timedelta = timedelta(0), after: timedelta = timedelta(0)) -> Period:
        """This period extended ``before`` its start and ``after`` its end."""
        return Period(self.start - before, self.end + after)


@dataclass(frozen=True)
class Shift(Period):
    """The shift of an assignment."""

    def local_date(self, timezone: str = DEFAULT_TIMEZONE) -> date:
        """The calendar date the shift starts on, in ``timezone``."""
        return self.start.astimezone(ZoneInfo(timezone)).date()


@dataclass(frozen=True)
class Violation:
    """One broken rule: stable ``code``, the ``item`` it enforces (compact: "8.1", "Law 590-II art. 5",
    "8.1 (D)", "D"), a ``message`` for the user, and the ``citation`` in the user's language with its
    act ("Order 641, Rules item 8.1", "design choice (D)")."""

    code: str
    item: str
    message: str
    citation: str = ""

    def as_dict(self) -> dict:
        return {"code": self.code, "item": self.item, "citation": self.citation or self.item,
                "message": self.message}


@dataclass(frozen=True)
class Notification:
    """The notification of the territorial police body a formation made (item 7)."""

    unit_id: int
    notified_on: date
    reference: str
    unit_name: str = ""
    # the share of the formation's home area inside the notified unit's jurisdiction (None: unknown)
    home_area_share: float | None = None


@dataclass(frozen=True)
class FormationFacts:
    """Who is assigned: a formation (collective) or a lone participant (individual, item 6).

    For a lone participant ``id`` is the participant's and ``participation_form`` the form they
    recorded (``RecordedForm``); for a formation it is None.
    """

    id: int
    name: str
    is_collective: bool = True
    notification: Notification | None = None
    base_type: str | None = None
    base_address: str | None = None
    # whether the home area holds the recorded base (None: no base location recorded)
    base_in_home_area: bool | None = None
    participation_form: str | None = None


@dataclass(frozen=True)
class TargetFacts:
    """What is assigned: a row of a target layer; ``window`` only for events and emergency areas."""

    kind: TargetKind
    id: int
    name: str
    place_kind: str | None = None
    window: Period | None = None


@dataclass(frozen=True)
class OfficerFacts:
    """The supervising officer; ``unit_covers_target`` is ST_Covers(unit jurisdiction, target)."""

    id: int
    name: str
    active: bool
    unit_id: int
    unit_covers_target: bool
    duty: tuple[Period, ...] = ()
    service: str | None = None  # OfficerService; None when not recorded


@dataclass(frozen=True)
class HomeAreaFacts:
    """Where the target lies against the formation's home area (PostGIS): covered, and how far (metres)
    the target reaches beyond it (0 when covered)."""

    inside: bool
    distance_m: float


@dataclass(frozen=True)
class HomeAreaOverride:
    """An officer's recorded permission to act outside the home area, with the reason."""

    officer_id: int
    reason: str


@dataclass(frozen=True)
class MemberFacts:
    """A participant put on an assignment, as the eligibility rule needs them."""

    id: int
    name: str
    registration: RegistrationStatus
    birth_date: date | None
    certificate: CertificateStatus | None
    legal_training_on: date | None


@dataclass(frozen=True)
class AssignmentFacts:
    """Everything the rules need about one proposed assignment, precomputed by the query layer.

    ``overlapping_assignment_ids``: the formation's live assignments whose shift overlaps this one;
    ``officer_concurrent_formations``: other formations the officer supervises in overlapping shifts;
    ``target_unit_ids``: police units whose jurisdiction covers the target.
    """

    formation: FormationFacts
    target: TargetFacts
    activity_code: str
    shift: Shift
    officer: OfficerFacts | None = None
    target_unit_ids: tuple[int, ...] = ()
    home_area: HomeAreaFacts | None = None
    override: HomeAreaOverride | None = None
    overlapping_assignment_ids: tuple[int, ...] = ()
    officer_concurrent_formations: int = 0
    members: tuple[MemberFacts, ...] = ()


@dataclass(frozen=True)
class BoardFacts:
    """What the dispatcher's board flags about one live assignment, counted by the query layer.

    ``shared_target_ids``: other live assignments of another assignee on the same target in an
    overlapping shift; ``members``: people on the shift; ``officer_formations``: formations the
    officer supervises in shifts overlapping this one, this one included (0 without an officer).
    """

    assignment_id: int
    is_collective: bool
    members: int
    shared_target_ids: tuple[int, ...] = ()
    officer_name: str | None = None
    officer_formations: int = 0


class Role(StrEnum):
    """What a user may do in kuzet (our design; the Order knows no software roles)."""

    ADMIN = "admin"
    DISPATCHER = "dispatcher"
    ANALYST = "analyst"
    SUPERVISOR = "supervisor"  # a police officer: signs off what lies in their unit's jurisdiction
    LEADER = "leader"  # a formation's leader: sees their own formation only
    PARTICIPANT = "participant"  # an individual participant (item 6): sees their own tasks only


class ReportCategory(StrEnum):
    """What participants report from the field: the activities of participants listed in
    Law 590-II (the article is not in our copy). A report is information for the police,
    not a registered crime."""

    OFFENCE_PREVENTED = "offence-prevented"  # offence prevented or suppressed
    ORDER_DEMAND = "order-demand"  # demand to keep public order
    PERSON_HANDED_OVER = "person-handed-over"  # person detained and handed over to the police
    AID_TO_VICTIMS = "aid-to-victims"  # aid to victims of offences
    ACCIDENT_OR_EMERGENCY = "accident-or-emergency"  # aid at road accidents or emergencies
    PREVENTION_TALK = "prevention-talk"  # prevention talk
    CRIME_INFORMATION = "crime-information"  # information about a crime
