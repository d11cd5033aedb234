"""What a planner asks for: the shift to plan and the options of its plan, checked (issue 5).

A :class:`PlanRequest` is checked when it is made, so ``shift_demand``, ``shift_supply`` and
``propose_plan`` never see a bad one; every problem is an ``InvalidInput`` naming the option.
``PlanRequest.from_json`` reads one from the fields of a JSON object (a request body) that
``PlanRequest.JSON_FIELDS`` lists.
"""
from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import ClassVar
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from ...domain import Shift
from ...errors import InvalidInput
from ...messages import N_, Message
from ...regimes import DEFAULT_REGIME, get_regime
from ...times import aware_moment
from .distance import check_distance

PLANNABLE_KINDS = ("patrol_zone", "public_place", "campus")  # events come on top, always
MAX_SHIFT = timedelta(hours=24)
MAX_TIME_LIMIT_S = 120


@dataclass(frozen=True)
class PlanRequest:
    """The shift to plan (``starts_at`` to ``ends_at``, aware, at most a day) and the plan's options.

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
    time_limit_s : bounds the solver (above 0, at most 120 seconds).
    regime_name : the legal regime whose rules decide who may go where.
    timezone : the local clock of "the same hours" (None: the regime's).
    distance : how travel is measured: "network" (along the stored streets), "straight", or None
        for the network where any street is loaded.

    Examples
    --------
    >>> from geo.rules.examples import shift
    >>> planned = shift("2026-12-05 18:00", "2026-12-05 22:00")
    >>> PlanRequest(planned.start, planned.end, kind=["patrol_zone", "campus"]).kind
    ('patrol_zone', 'campus')
    >>> PlanRequest(planned.start, planned.end, lookback_days=3)
    Traceback (most recent call last):
    ...
    geo.errors.InvalidInput: lookback_days must be between 7 and 366
    """

    starts_at: datetime
    ends_at: datetime
    kind: str | Sequence[str] = "patrol_zone"
    lookback_days: int = 56
    near_m: float = 150.0
    include_synthetic: bool = True
    members_per_1000_attendees: float = 1.0
    members_per_target: int = 4
    time_limit_s: float = 10.0
    regime_name: str = DEFAULT_REGIME
    timezone: str | None = None
    distance: str | None = None
    # what a request body may say; the regime, the clock and the distance are the app's to choose
    JSON_FIELDS: ClassVar[tuple[str, ...]] = (
        "starts_at", "ends_at", "kind", "lookback_days", "near_m", "include_synthetic",
        "members_per_1000_attendees", "members_per_target", "time_limit_s")

    def __post_init__(self) -> None:
        if not 0 < number(self.time_limit_s, "time_limit_s") <= MAX_TIME_LIMIT_S:
            raise InvalidInput(Message("request.time-limit-above",
                                       N_("time_limit_s must be above 0 and at most %(MAX_TIME_LIMIT_S)s seconds"),
                                       MAX_TIME_LIMIT_S=MAX_TIME_LIMIT_S))
        get_regime(self.regime_name)
        check_distance(self.distance)
        checked = {"kind": _kinds(self.kind), **_options(self)}
        planned_shift(self.starts_at, self.ends_at)
        for name, value in checked.items():
            object.__setattr__(self, name, value)  # normalised once, on a frozen record

    @property
    def shift(self) -> Shift:
        return Shift(self.starts_at, self.ends_at)

    @classmethod
    def from_json(cls, body: Mapping, *, timezone: str, regime_name: str = DEFAULT_REGIME) -> PlanRequest:
        """The request of a JSON object's fields (``JSON_FIELDS``; a null is as absent): ISO 8601
        times, naive ones in ``timezone``, which is also the local clock of the request; planned
        under ``regime_name`` (the app's setting)."""
        given = {name: body[name] for name in cls.JSON_FIELDS if body.get(name) is not None}
        zone = ZoneInfo(timezone)
        for name in ("starts_at", "ends_at"):
            if name in given:
                given[name] = aware_moment(given[name], name, zone)
        return cls(**given, timezone=timezone, regime_name=regime_name)


def planned_shift(starts_at: datetime, ends_at: datetime) -> Shift:
    """The shift to plan, checked: aware times, start before end, at most a day long."""
    try:
        shift = Shift(starts_at, ends_at)
    except ValueError as exc:
        raise InvalidInput(Message("assign.shift", N_("shift: %(exc)s"), exc=exc)) from None
    if shift.end - shift.start > MAX_SHIFT:
        raise InvalidInput(Message("request.shift-plan-lasts", N_("a shift to plan lasts at most 24 hours")))
    return shift


def number(value, name: str, *, whole: bool = False) -> float | int:
    """``value`` as a finite number (a whole one if ``whole``); InvalidInput naming ``name`` otherwise."""
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) \
            or (whole and not float(value).is_integer()):
        raise InvalidInput(Message("request.whole-number", N_("%(name)s must be a whole number"), name=name) if whole
                           else Message("options.number", N_("%(name)s must be a number"), name=name))
    return int(value) if whole else float(value)


def _kinds(kind: str | Sequence[str]) -> tuple[str, ...]:
    if not isinstance(kind, str) and not (isinstance(kind, (list, tuple)) and all(isinstance(k, str) for k in kind)):
        raise InvalidInput(Message("request.kind-target-list", N_("kind must be a target kind or a list of them")))
    kinds = (kind,) if isinstance(kind, str) else tuple(dict.fromkeys(kind))
    unknown = [k for k in kinds if k not in PLANNABLE_KINDS]
    if unknown or not kinds:
        raise InvalidInput(Message("request.kind-one-more",
                                   N_("kind must be one or more of %(PLANNABLE_KINDS)s (events are always "
                                      "planned); got %(value)s"),
                                   PLANNABLE_KINDS=', '.join(PLANNABLE_KINDS),
                                   value=', '.join(map(repr, unknown)) or 'none'))
    return kinds


def _options(request: PlanRequest) -> dict:
    """The numeric options, checked and normalised; every problem named at once."""
    lookback_days = number(request.lookback_days, "lookback_days", whole=True)
    members_per_target = number(request.members_per_target, "members_per_target", whole=True)
    near_m, ratio = number(request.near_m, "near_m"), number(request.members_per_1000_attendees,
                                                             "members_per_1000_attendees")
    if not isinstance(request.include_synthetic, bool):
        raise InvalidInput(Message("request.include-synthetic-true", N_("include_synthetic must be true or false")))
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
    return {"lookback_days": lookback_days, "near_m": near_m, "members_per_1000_attendees": ratio,
            "members_per_target": members_per_target}
