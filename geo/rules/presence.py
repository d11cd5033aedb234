"""Presence on a shift with consent (issue 17.2): when a check-in, a check-out or a position is
accepted, and who may see positions. Every rule is a design choice (D): the Order is silent on
location tracking, and consent is ours; the thresholds are ``geo.settings.PresenceSettings``.

The facts are plain values the query layer gathers (the distance from the previous accepted position
is measured in PostGIS on the spheroid and handed in as metres).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from ..access import Principal
from ..domain import Role, Violation
from ..regimes import Regime
from ..settings import PresenceSettings
from .messages import Gettext, cited, local_time, plain


@dataclass(frozen=True)
class ShiftFacts:
    """The shift a participant is on: its period and whether it is live (proposed or confirmed)."""

    starts_at: datetime
    ends_at: datetime
    live: bool = True


@dataclass(frozen=True)
class PositionFacts:
    """One position sent: ``own`` is True when the session sending it is the participant's own."""

    own: bool
    shift: ShiftFacts
    at: datetime
    now: datetime
    accuracy_m: float
    consent: bool
    checked_in_at: datetime | None
    checked_out_at: datetime | None
    tracking: bool
    # the previous accepted position of this participant on this shift: when, and how far away (m)
    previous_at: datetime | None = None
    previous_distance_m: float | None = None


def _window(shift: ShiftFacts, settings: PresenceSettings) -> tuple[datetime, datetime]:
    grace = timedelta(minutes=settings.grace_min)
    return shift.starts_at - grace, shift.ends_at + grace


def check_in_allowed(shift: ShiftFacts, now: datetime, regime: Regime, settings: PresenceSettings, *,
                     _: Gettext = plain) -> list[Violation]:
    """A check-in (or check-out) only on a live shift, from ``grace_min`` before it starts to
    ``grace_min`` after it ends (D, ``presence-check``).

    Examples
    --------
    >>> from datetime import timezone
    >>> from geo.regimes import get_regime
    >>> s = ShiftFacts(datetime(2026, 12, 5, 13, tzinfo=timezone.utc), datetime(2026, 12, 5, 17, tzinfo=timezone.utc))
    >>> check_in_allowed(s, datetime(2026, 12, 5, 12, 50, tzinfo=timezone.utc), get_regime(), PresenceSettings())
    []
    >>> [v.code for v in check_in_allowed(s, datetime(2026, 12, 5, 9, tzinfo=timezone.utc), get_regime(),
    ...                                   PresenceSettings())]
    ['presence-check']
    """
    if not shift.live:
        return [cited(regime, "presence-check", _("The shift is not live (rejected or cancelled)."), _)]
    opens, closes = _window(shift, settings)
    if opens <= now <= closes:
        return []
    tz = regime.timezone
    return [cited(regime, "presence-check", _(
        "Check-in and check-out are open from %(opens)s to %(closes)s.",
        opens=local_time(opens, tz), closes=local_time(closes, tz)), _)]


def position_violations(facts: PositionFacts, regime: Regime, settings: PresenceSettings, *,
                        _: Gettext = plain) -> list[Violation]:
    """Every reason to refuse a position (empty: accept it).

    D, each a setting of ``settings``: from the participant's own session only
    (``presence-own-session``), with their consent in force (``presence-consent``), after their
    check-in and before their check-out, while sending is on (``presence-checked-in``), within the
    shift and its grace and not ahead of the server's clock (``presence-shift-window``), later than
    the previous accepted position and within ``max_speed_kmh`` of it (``presence-speed``), with an
    accuracy of at most ``max_accuracy_m`` (``presence-accuracy``).

    Examples
    --------
    >>> from datetime import timezone
    >>> from geo.regimes import get_regime
    >>> t = datetime(2026, 12, 5, 14, tzinfo=timezone.utc)
    >>> s = ShiftFacts(t - timedelta(hours=1), t + timedelta(hours=3))
    >>> ok = PositionFacts(True, s, t, t, 10.0, True, t - timedelta(hours=1), None, True,
    ...                    t - timedelta(minutes=1), 80.0)
    >>> position_violations(ok, get_regime(), PresenceSettings())
    []
    >>> from dataclasses import replace
    >>> [v.code for v in position_violations(replace(ok, previous_distance_m=5000.0), get_regime(),
    ...                                      PresenceSettings())]
    ['presence-speed']
    """
    if not facts.own:
        return [cited(regime, "presence-own-session",
                      _("Positions are accepted only from the participant's own session."), _)]
    out: list[Violation] = []
    if not facts.consent:
        out.append(cited(regime, "presence-consent",
                         _("No consent to send the location is recorded; only check-in and check-out are stored."), _))
    if facts.checked_in_at is None or facts.at < facts.checked_in_at:
        out.append(cited(regime, "presence-checked-in", _("Positions are accepted only after checking in."), _))
    elif facts.checked_out_at is not None and facts.at > facts.checked_out_at:
        out.append(cited(regime, "presence-checked-in", _("Positions are not accepted after checking out."), _))
    elif not facts.tracking and facts.checked_out_at is None:
        out.append(cited(regime, "presence-checked-in", _("Sending the location is stopped for this shift."), _))
    opens, closes = _window(facts.shift, settings)
    if not facts.shift.live or not opens <= facts.at <= closes:
        out.append(cited(regime, "presence-shift-window", _("The position lies outside the shift's time."), _))
    elif facts.at > facts.now + timedelta(seconds=settings.max_clock_skew_s):
        out.append(cited(regime, "presence-shift-window", _("The position's time lies in the future."), _))
    out += _speed(facts, regime, settings, _)
    if not 0 <= facts.accuracy_m <= settings.max_accuracy_m:
        out.append(cited(regime, "presence-accuracy", _(
            "The position is too inaccurate (%(accuracy)d m; at most %(max)d m is accepted).",
            accuracy=int(round(facts.accuracy_m)), max=int(settings.max_accuracy_m)), _))
    return out


def speed_kmh(distance_m: float, seconds: float) -> float:
    """The speed of a move of ``distance_m`` metres in ``seconds`` (infinite for no time).

    >>> speed_kmh(5000, 60)
    300.0
    """
    return float("inf") if seconds <= 0 else distance_m / seconds * 3.6


def _speed(facts: PositionFacts, regime: Regime, settings: PresenceSettings, _: Gettext) -> list[Violation]:
    if facts.previous_at is None or facts.previous_distance_m is None:
        return []
    seconds = (facts.at - facts.previous_at).total_seconds()
    if seconds <= 0:
        return [cited(regime, "presence-speed", _("The position is not later than the previous one."), _)]
    speed = speed_kmh(facts.previous_distance_m, seconds)
    if speed <= settings.max_speed_kmh:
        return []
    return [cited(regime, "presence-speed", _(
        "The position is %(distance)d m from the previous one in %(seconds)d s (%(speed)d km/h; at most %(max)d km/h).",
        distance=int(round(facts.previous_distance_m)), seconds=int(seconds), speed=int(round(speed)),
        max=int(settings.max_speed_kmh)), _)]


@dataclass(frozen=True)
class AssignmentHolder:
    """Whose an assignment is: its formation or individual participant, and its supervising officer."""

    formation_id: int | None
    participant_id: int | None
    officer_id: int | None


def may_see_positions(viewer: Principal, holder: AssignmentHolder) -> bool:
    """Who may see an assignment's raw positions (D, a privacy choice): admins; dispatchers (they
    plan every assignment); the assignment's own supervising officer (not every officer of the
    unit); the formation itself (its leader's account) or the individual participant themself.
    Analysts and other formations (and their leaders) never do: they see the dosage figures at most.

    Examples
    --------
    >>> leader = Principal(7, "samal", frozenset({Role.LEADER}), formation_id=3)
    >>> may_see_positions(leader, AssignmentHolder(3, None, 11)), may_see_positions(leader, AssignmentHolder(4, None, 11))
    (True, False)
    >>> officer = Principal(8, "berik", frozenset({Role.SUPERVISOR}), officer_id=11, unit_id=2)
    >>> may_see_positions(officer, AssignmentHolder(4, None, 11)), may_see_positions(officer, AssignmentHolder(4, None, 12))
    (True, False)
    """
    if Role.ADMIN in viewer.roles or Role.DISPATCHER in viewer.roles:
        return True
    if Role.SUPERVISOR in viewer.roles and viewer.officer_id is not None and viewer.officer_id == holder.officer_id:
        return True
    if Role.LEADER in viewer.roles and holder.formation_id is not None and viewer.formation_id == holder.formation_id:
        return True
    return (Role.PARTICIPANT in viewer.roles and holder.participant_id is not None
            and viewer.participant_id == holder.participant_id)
