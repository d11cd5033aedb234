"""Demand and supply of one shift, for the planner (issue 5).

Demand: targets of the chosen kinds weighted by the incidents of recent weeks in the same hours of
the same weekday(s) as the shift, within each target (areas) or near it (points and lines); and
the events overlapping the shift, each needing members in proportion to its expected attendance.
Supply: the formations with the members who may take part on the shift date, found by the same
rule the dispatcher's checks use (``geo.rules.participants.eligible_members``).
"""
from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from ...access import PLANNERS, Principal, require
from ...db import dispatch as q
from ...db import planning as db
from ...domain import FormationFacts, IncidentSource, MemberFacts, Period, Shift
from ...errors import InvalidInput
from ...regimes import get_regime
from ..dispatch.assign import DEFAULT_REGIME, _formation_facts, _members

PLANNABLE_KINDS = ("patrol_zone", "public_place", "campus")  # events come on top, always
MAX_SHIFT = timedelta(hours=24)


@dataclass(frozen=True)
class DemandTarget:
    """One target of the shift: ``weight`` incidents of recent weeks, ``need`` members to cover it.

    ``shift`` is the target's own shift: the planned shift, or for an event the part of it within
    the event's window (a formation there must not come before it starts nor stay after it ends).
    """

    kind: str
    id: int
    name: str
    place_kind: str | None
    weight: float
    need: int
    is_event: bool
    shift: Shift
    attendance: int | None
    geometry: BaseGeometry


@dataclass(frozen=True)
class ShiftDemand:
    """The targets of a shift (events first) and the past windows their incidents were counted in."""

    shift: Shift
    targets: tuple[DemandTarget, ...]
    windows: tuple[Period, ...]
    options: dict

    @property
    def total_weight(self) -> float:
        return float(sum(t.weight for t in self.targets))


def planned_shift(starts_at: datetime, ends_at: datetime) -> Shift:
    """The shift to plan, checked: aware times, start before end, at most a day long."""
    try:
        shift = Shift(starts_at, ends_at)
    except ValueError as exc:
        raise InvalidInput(f"shift: {exc}") from None
    if shift.end - shift.start > MAX_SHIFT:
        raise InvalidInput("a shift to plan lasts at most 24 hours")
    return shift


def same_hours(shift: Shift, *, lookback_days: int, timezone: str) -> tuple[Period, ...]:
    """The shift's hours on the same weekday(s) of each of the past ``lookback_days // 7`` weeks,
    by the local clock (a shift over midnight keeps both days).

    Examples
    --------
    >>> from geo.rules.examples import shift
    >>> [str(w.start) for w in same_hours(shift("2026-05-09 22:00", "2026-05-10 02:00"),
    ...                                   lookback_days=14, timezone="Asia/Almaty")]
    ['2026-05-02 22:00:00+05:00', '2026-04-25 22:00:00+05:00']
    """
    tz = ZoneInfo(timezone)
    start, end = shift.start.astimezone(tz), shift.end.astimezone(tz)
    return tuple(Period(start - timedelta(days=7 * k), end - timedelta(days=7 * k))
                 for k in range(1, lookback_days // 7 + 1))


def event_need(attendance: int, members_per_1000_attendees: float) -> int:
    """Members an event needs: ``ceil(attendance / 1000 × ratio)``, at least one.

    >>> event_need(22000, 1.0), event_need(1200, 1.0), event_need(0, 2.5)
    (22, 2, 1)
    """
    return max(1, math.ceil(round(attendance / 1000 * members_per_1000_attendees, 9)))


def _kinds(kind: str | Sequence[str]) -> tuple[str, ...]:
    if not isinstance(kind, str) and not (isinstance(kind, (list, tuple)) and all(isinstance(k, str) for k in kind)):
        raise InvalidInput("kind must be a target kind or a list of them")
    kinds = (kind,) if isinstance(kind, str) else tuple(dict.fromkeys(kind))
    unknown = [k for k in kinds if k not in PLANNABLE_KINDS]
    if unknown or not kinds:
        raise InvalidInput(f"kind must be one or more of {', '.join(PLANNABLE_KINDS)} (events are always "
                           f"planned); got {', '.join(map(repr, unknown)) or 'none'}")
    return kinds


def number(value, name: str, *, whole: bool = False) -> float | int:
    """``value`` as a finite number (a whole one if ``whole``); InvalidInput naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or (whole and not float(value).is_integer()):
        raise InvalidInput(f"{name} must be a {'whole ' if whole else ''}number")
    return int(value) if whole else float(value)


def _options(lookback_days, near_m, ratio, members_per_target, include_synthetic) -> tuple[int, float, float, int]:
    """The numeric options, checked and normalised; every problem named at once."""
    lookback_days, members_per_target = (number(lookback_days, "lookback_days", whole=True),
                                         number(members_per_target, "members_per_target", whole=True))
    near_m, ratio = number(near_m, "near_m"), number(ratio, "members_per_1000_attendees")
    if not isinstance(include_synthetic, bool):
        raise InvalidInput("include_synthetic must be true or false")
    problems = []
    if not 7 <= lookback_days <= 366:
        problems.append("lookback_days must be between 7 and 366")
    if not 0 <= near_m <= 2000:
        problems.append("near_m must be between 0 and 2000 metres")
    if not 0 < ratio <= 100:
        problems.append("members_per_1000_attendees must be above 0 and at most 100")
    if not 1 <= members_per_target <= 100:
        problems.append("members_per_target must be between 1 and 100")
    if problems:
        raise InvalidInput("; ".join(problems))
    return lookback_days, near_m, ratio, members_per_target


def shift_demand(session: Session, *, viewer: Principal, starts_at: datetime, ends_at: datetime,
                 kind: str | Sequence[str] = "patrol_zone", lookback_days: int = 56, near_m: float = 150.0,
                 include_synthetic: bool = True, members_per_1000_attendees: float = 1.0,
                 members_per_target: int = 4, timezone: str | None = None,
                 regime_name: str = DEFAULT_REGIME) -> ShiftDemand:
    """The targets of a shift with their demand weight and the members each needs; events first.

    Parameters
    ----------
    kind : "patrol_zone", "public_place", "campus" or several; events overlapping the shift are
        always added and staffed before anything else.
    lookback_days : incidents of the same hours and weekday(s) in this many days before the shift
        count (whole weeks: 56 days are the 8 same weekdays before it).
    near_m : points and lines count incidents this near (metres on the spheroid); areas those within.
    include_synthetic : count synthetic demo incidents too (the demo has no others).
    members_per_1000_attendees : an event needs ``ceil(attendance / 1000 × this)`` members.
    members_per_target : members that cover a patrol zone, place or campus.

    Examples
    --------
    >>> demand = shift_demand(session, viewer=SYSTEM, starts_at=start, ends_at=end)  # doctest: +SKIP
    >>> [(t.name, t.weight, t.need) for t in demand.targets][:2]  # doctest: +SKIP
    [('Derby', 0.0, 20), ('Green market', 3.0, 4)]
    """
    require(viewer, *PLANNERS)
    kinds = _kinds(kind)
    lookback_days, near_m, members_per_1000_attendees, members_per_target = _options(
        lookback_days, near_m, members_per_1000_attendees, members_per_target, include_synthetic)
    shift = planned_shift(starts_at, ends_at)
    tz = timezone or get_regime(regime_name).timezone
    windows = same_hours(shift, lookback_days=lookback_days, timezone=tz)
    exclude = () if include_synthetic else (IncidentSource.SYNTHETIC_DEMO.value,)
    found: list[DemandTarget] = []
    for k in ("event", *kinds):
        shapes = db.targets(session, k, overlapping=shift if k == "event" else None)
        counts = db.incident_counts(session, k, [s.id for s in shapes], windows, near_m=near_m,
                                    exclude_sources=exclude)
        for s in shapes:
            is_event = k == "event"
            own = Shift(max(shift.start, s.starts_at), min(shift.end, s.ends_at)) if is_event else shift
            need = event_need(s.attendance or 0, members_per_1000_attendees) if is_event else members_per_target
            found.append(DemandTarget(k, s.id, s.name, s.place_kind, float(counts.get(s.id, 0)), need, is_event,
                                      own, s.attendance, shapely.from_wkb(s.ewkb)))
    options = {"kind": list(kinds), "lookback_days": lookback_days, "near_m": near_m,
               "include_synthetic": include_synthetic, "members_per_1000_attendees": members_per_1000_attendees,
               "members_per_target": members_per_target}
    return ShiftDemand(shift, tuple(found), windows, options)


@dataclass(frozen=True)
class SupplyFormation:
    """A formation and the members who may take part on the shift date (its capacity)."""

    id: int
    name: str
    facts: FormationFacts
    members: tuple[MemberFacts, ...]

    @property
    def capacity(self) -> int:
        return len(self.members)


def shift_supply(session: Session, *, viewer: Principal, starts_at: datetime, ends_at: datetime,
                 regime_name: str = DEFAULT_REGIME) -> tuple[SupplyFormation, ...]:
    """Every formation with its members eligible on the shift date (an empty tuple of members when
    none may take part), by name.

    Examples
    --------
    >>> [(f.name, f.capacity) for f in shift_supply(session, viewer=SYSTEM, starts_at=start,
    ...                                              ends_at=end)]  # doctest: +SKIP
    [('Aksai', 1), ('Samal', 1)]
    """
    require(viewer, *PLANNERS)
    shift = planned_shift(starts_at, ends_at)
    regime = get_regime(regime_name)
    return tuple(SupplyFormation(f.id, f.name, _formation_facts(f), _members(session, f, shift, None, regime))
                 for f in q.formations(session))
