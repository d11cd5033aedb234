"""Demand and supply of one shift, for the planner (issue 5).

Demand: targets of the chosen kinds weighted by the incidents of recent weeks in the same hours of
the same weekday(s) as the shift, within each target (areas) or near it (points and lines); and
the events overlapping the shift, each needing members in proportion to its expected attendance.
Supply: the formations with the members who may take part on the shift date, found by the same
rule the dispatcher's checks use (``geo.rules.participants.eligible_members``). Both
``shift_demand`` and ``shift_supply`` take the checked ``PlanRequest`` (``request``).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry.base import BaseGeometry
from sqlalchemy.orm import Session

from ...access import PLANNERS, Principal, require
from ...db import dispatch as q
from ...db import planning as db
from ...domain import FormationFacts, IncidentSource, MemberFacts, Period, Shift
from ...regimes import get_regime
from ..dispatch.assign import _formation_facts, _members
from .request import PlanRequest


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


def shift_demand(session: Session, request: PlanRequest, *, viewer: Principal) -> ShiftDemand:
    """The targets of the request's shift with their demand weight and the members each needs; events first.

    The request's ``kind``, ``lookback_days``, ``near_m``, ``include_synthetic``,
    ``members_per_1000_attendees`` and ``members_per_target`` say which targets count and how
    (see :class:`~geo.services.planning.request.PlanRequest`); the ``timezone`` (else the
    regime's) is the clock of "the same hours".

    Examples
    --------
    >>> demand = shift_demand(session, PlanRequest(start, end), viewer=SYSTEM)  # doctest: +SKIP
    >>> [(t.name, t.weight, t.need) for t in demand.targets][:2]  # doctest: +SKIP
    [('Derby', 0.0, 20), ('Green market', 3.0, 4)]
    """
    require(viewer, *PLANNERS)
    shift = request.shift
    windows = same_hours(shift, lookback_days=request.lookback_days,
                         timezone=request.timezone or get_regime(request.regime_name).timezone)
    exclude = () if request.include_synthetic else (IncidentSource.SYNTHETIC_DEMO.value,)
    found: list[DemandTarget] = []
    for k in ("event", *request.kind):
        shapes = db.targets(session, k, overlapping=shift if k == "event" else None)
        counts = db.incident_counts(session, k, [s.id for s in shapes], windows, near_m=request.near_m,
                                    exclude_sources=exclude)
        for s in shapes:
            is_event = k == "event"
            own = Shift(max(shift.start, s.starts_at), min(shift.end, s.ends_at)) if is_event else shift
            need = (event_need(s.attendance or 0, request.members_per_1000_attendees) if is_event
                    else request.members_per_target)
            found.append(DemandTarget(k, s.id, s.name, s.place_kind, float(counts.get(s.id, 0)), need, is_event,
                                      own, s.attendance, shapely.from_wkb(s.ewkb)))
    options = {"kind": list(request.kind), "lookback_days": request.lookback_days, "near_m": request.near_m,
               "include_synthetic": request.include_synthetic,
               "members_per_1000_attendees": request.members_per_1000_attendees,
               "members_per_target": request.members_per_target}
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


def shift_supply(session: Session, request: PlanRequest, *, viewer: Principal) -> tuple[SupplyFormation, ...]:
    """Every formation with its members eligible on the request's shift date under its regime (an
    empty tuple of members when none may take part), by name.

    Examples
    --------
    >>> [(f.name, f.capacity) for f in shift_supply(session, PlanRequest(start, end),
    ...                                              viewer=SYSTEM)]  # doctest: +SKIP
    [('Aksai', 1), ('Samal', 1)]
    """
    require(viewer, *PLANNERS)
    shift, regime = request.shift, get_regime(request.regime_name)
    return tuple(SupplyFormation(f.id, f.name, _formation_facts(f), _members(session, f, shift, None, regime))
                 for f in q.formations(session))
