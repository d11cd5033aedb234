"""The demo's patrol history: regular past shifts of a few formations in a few patrol zones.

Without past patrols the before/after evaluation (issue 17, section 3) has nothing to evaluate on
a fresh demo. The history is defined in ``data/demo/almaty.toml`` (``[[patrol_history]]``): a zone,
a formation, the weekdays and hours of its shift, and how many days before the day of loading the
patrols began. Every shift is stored through the dispatcher's own use cases — proposed
(``assign_formation``, every rule of the regime checked), confirmed by a supervising officer
(``confirm_assignment``, the rules checked again) and acknowledged by the formation
(``acknowledge_assignment``) — so an unlawful history stops the load instead of being stored.
Nothing is planted in the incidents: the evaluation shows what the synthetic data say.
"""
from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from .. import services
from ..access import SYSTEM, Principal
from ..db import layer_reads
from ..domain import DEFAULT_TIMEZONE, Role
from ..errors import InvalidInput
from ..messages import N_, Message

WEEKDAY_CODES = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")  # datetime.weekday() order
# The formation acknowledges a shift the same day, this long before it begins.
ACKNOWLEDGED_BEFORE = timedelta(hours=5)


def history_days(patrols: Sequence[Mapping]) -> int:
    """How many days before the day of loading the earliest patrols began (0 without a history)."""
    return max((int(p["begins_days_ago"]) for p in patrols), default=0)


def patrol_shifts(patrol: Mapping, *, today: date,
                  zone: str = DEFAULT_TIMEZONE) -> Iterator[tuple[datetime, datetime]]:
    """The (start, end) of each shift of one ``[[patrol_history]]`` entry: on its ``weekdays`` from
    ``begins_days_ago`` days before ``today`` to the last shift that ends before ``today`` begins.

    >>> plan = {"begins_days_ago": 7, "weekdays": ["fri"], "start": "18:00", "hours": 4}
    >>> [(s.isoformat(), e.hour) for s, e in patrol_shifts(plan, today=date(2026, 5, 1))]
    [('2026-04-24T18:00:00+05:00', 22)]
    """
    tz = ZoneInfo(zone)
    try:
        weekdays = {WEEKDAY_CODES.index(str(day).lower()) for day in patrol["weekdays"]}
    except ValueError:
        raise InvalidInput(Message("history.weekday", N_("demo definitions: weekdays are %(known)s, got %(value)s"),
                                   known=", ".join(WEEKDAY_CODES), value=", ".join(map(str, patrol["weekdays"])))
                           ) from None
    begins, length = time.fromisoformat(patrol["start"]), timedelta(hours=float(patrol["hours"]))
    stop = datetime.combine(today, time(), tz)
    for back in range(int(patrol["begins_days_ago"]), 0, -1):
        day = today - timedelta(days=back)
        starts = datetime.combine(day, begins, tz)
        if day.weekday() in weekdays and starts + length <= stop:
            yield starts, starts + length


UNKNOWN = {
    "patrol_zone": N_("demo definitions: the patrol history names patrol zones the demo does not hold: %(names)s"),
    "formation": N_("demo definitions: the patrol history names formations the demo does not hold: %(names)s"),
}


def _ids(session: Session, layer: str, names: set[str]) -> dict[str, int]:
    stored = layer_reads.name_lookup(session, services.layer_spec(layer))
    missing = sorted(names - set(stored))
    if missing:
        raise InvalidInput(Message(f"history.unknown-{layer}", UNKNOWN[layer], names=", ".join(missing)))
    return {name: stored[name] for name in names}


def _supervisor(session: Session, window: dict) -> int | None:
    """The officer the dispatcher's options offer first for the shift (a patrol officer where one is free)."""
    free = [o for o in services.supervising_officers(session, viewer=SYSTEM, **window) if o["can_supervise"]]
    free.sort(key=lambda o: o["service"] != "patrol")  # stable: the options' order among equals
    return free[0]["id"] if free else None


def load_patrol_history(session: Session, patrols: Sequence[Mapping], *, today: date,
                        zone: str = DEFAULT_TIMEZONE) -> int:
    """Store every shift of ``patrols`` (``[[patrol_history]]``) as a confirmed, acknowledged
    assignment, through the dispatcher's use cases; the number stored.

    Raises ``RuleViolation`` (nothing more is stored; the caller rolls back) when a shift breaks a
    rule, ``InvalidInput`` when an entry names a zone or formation the demo does not hold.

    Examples
    --------
    >>> load_patrol_history(session, definitions()["patrol_history"], today=date(2026, 12, 4))  # doctest: +SKIP
    62
    """
    zones = _ids(session, "patrol_zone", {p["zone"] for p in patrols})
    formations = _ids(session, "formation", {p["formation"] for p in patrols})
    shifts = sorted(((starts, ends, patrol) for patrol in patrols
                     for starts, ends in patrol_shifts(patrol, today=today, zone=zone)), key=lambda s: s[:2])
    officers: dict[str, int | None] = {}  # zone -> its supervising officer, chosen at its first shift
    for starts, ends, patrol in shifts:  # in time order, as a dispatcher would have given them
        window = dict(target_kind="patrol_zone", target_id=zones[patrol["zone"]], starts_at=starts, ends_at=ends)
        if patrol["zone"] not in officers:
            officers[patrol["zone"]] = _supervisor(session, window)
        officer_id = officers[patrol["zone"]]
        formation_id = formations[patrol["formation"]]
        proposed = services.assign_formation(
            session, services.AssignmentRequest(formation_id, activity=str(patrol["activity"]), officer_id=officer_id,
                                                **window), actor=SYSTEM)
        services.confirm_assignment(session, proposed.id, actor=SYSTEM, officer_id=officer_id)
        # the formation's leader acknowledges it (the demo has no account of theirs yet: the system does)
        leader = Principal(None, SYSTEM.login, frozenset({Role.LEADER}), formation_id=formation_id)
        services.acknowledge_assignment(session, leader, proposed.id, now=starts - ACKNOWLEDGED_BEFORE,
                                        timezone_name=zone)
    return len(shifts)
