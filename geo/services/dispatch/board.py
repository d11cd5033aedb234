"""The dispatcher's shift board: every assignment of a day with its state and flags, the targets
under a click, and the undo of the dispatcher's own last action.

The board's flags are warnings (``geo.rules.board``); what may be stored is still decided by the
rules of ``geo.rules.check``, which an undo runs again like any other change.
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...access import PLANNERS, Principal, require
from ...db import assignment_writes as w
from ...db import assignments as qa
from ...db import dispatch as q
from ...db.patrol_routes import routed_ids
from ...domain import DEFAULT_TIMEZONE, BoardFacts, Period
from ...errors import Conflict, InvalidInput
from ...messages import N_, Message
from ...regimes import DEFAULT_REGIME, get_regime
from ...rules import check_assignment
from ...rules.board import board_flags
from ...rules.messages import Gettext, plain, target_label
from ...settings import PresenceSettings
from ..accountability.audit import record
from ..dosage import dosage_of
from .assign import AssignmentRequest, _conflict, _live, _refuse, _request_of, _storable_override, build_facts
from .assignments import assignment_feature, list_assignments
from .day import day_window

# What the board calls an assignment's state: its status, or ``acknowledged`` once the formation's
# leader acknowledged a live one (issue 6).
STATES = ("proposed", "confirmed", "acknowledged", "rejected", "cancelled")
UNDOABLE = ("create", "cancelled", "update")
# The widest circle a click may ask about (metres): a click is a few pixels, even zoomed out.
MAX_RADIUS_M = 2_000.0


def state_of(status: str, acknowledged_at: object) -> str:
    """The board's state of an assignment.

    >>> state_of("confirmed", None), state_of("confirmed", "2026-12-05T10:00"), state_of("cancelled", "x")
    ('confirmed', 'acknowledged', 'cancelled')
    """
    return "acknowledged" if acknowledged_at and status in q.LIVE else status


def dispatch_board(session: Session, day: date, *, viewer: Principal, timezone: str = DEFAULT_TIMEZONE,
                   locale: str | None = None, gettext: Gettext = plain,
                   regime_name: str = DEFAULT_REGIME, presence: PresenceSettings = PresenceSettings()) -> dict:
    """Every assignment (any status) whose shift overlaps ``day``, as GeoJSON features whose
    properties add ``state``, ``flags`` (the board's warnings, each citing its item), ``has_route``
    (a walking route is planned for it) and ``presence`` (the dosage: minutes inside the target,
    visits, share of the route walked, minutes checked in)."""
    require(viewer, *PLANNERS)
    start, end = day_window(day, timezone)
    collection = list_assignments(session, viewer=viewer, start=start, end=end, statuses=None,
                                  timezone=timezone, locale=locale)
    regime = get_regime(regime_name)
    facts = {r.id: BoardFacts(r.id, r.formation_id is not None, int(r.members), tuple(r.shared_target_ids or ()),
                              r.officer_name, int(r.officer_formations))
             for r in qa.board_facts(session, [f["id"] for f in collection["features"]])}
    routed = routed_ids(session, [f["id"] for f in collection["features"]])
    dosage = dosage_of(session, [f["id"] for f in collection["features"]], settings=presence)
    for feature in collection["features"]:
        p = feature["properties"]
        p["presence"] = dosage.get(feature["id"])
        p["state"] = state_of(p["status"], p["acknowledged_at"])
        found = facts.get(feature["id"])
        p["flags"] = [v.as_dict() for v in board_flags(found, regime, _=gettext)] if found else []
        p["has_route"] = feature["id"] in routed
    collection["day"] = day.isoformat()
    return collection


def targets_at(session: Session, *, viewer: Principal, lon: float, lat: float, radius_m: float, day: date,
               streets: bool = True, timezone: str = DEFAULT_TIMEZONE, locale: str | None = None,
               gettext: Gettext = plain) -> list[dict]:
    """The targets within ``radius_m`` of a click on the dispatcher's map (of ``day``), smallest first."""
    require(viewer, *PLANNERS)
    if not (-180 <= lon <= 180 and -90 <= lat <= 90):
        raise InvalidInput(Message("board.point", N_("lon must lie in -180..180 and lat in -90..90")))
    if not 0 < radius_m <= MAX_RADIUS_M:
        raise InvalidInput(Message("board.radius", N_("radius_m must be above 0 and at most %(max)d"),
                                   max=int(MAX_RADIUS_M)))
    window = Period(*day_window(day, timezone))
    return [{"kind": kind, "id": target_id, "name": name, "kind_label": target_label(kind, gettext),
             "place_kind": place_kind}
            for kind, target_id, name, place_kind in q.targets_near(session, lon, lat, radius_m, window=window,
                                                                    streets=streets, locale=locale)]


def _nothing() -> Conflict:
    return Conflict(Message("board.nothing-to-undo",
                            N_("nothing to undo: no action of yours in the last moments, or it was changed since")))


def _snapshot_request(snap: dict) -> AssignmentRequest:
    kind = next(k for k in q.TARGET_MODELS if snap.get(f"{k}_id"))
    individual = snap.get("participant_id") is not None
    return AssignmentRequest(snap.get("formation_id"), kind, snap[f"{kind}_id"], snap["activity"],
                             datetime.fromisoformat(snap["shift"][0]), datetime.fromisoformat(snap["shift"][1]),
                             snap.get("officer_id"), None if individual else tuple(snap.get("members") or ()),
                             snap.get("override_officer_id"), snap.get("override_reason"), snap.get("participant_id"))


def undo_last(session: Session, *, actor: Principal, window_s: float, gettext: Gettext = plain) -> tuple[int, str]:
    """Undo ``actor``'s own last action on an assignment if it is less than ``window_s`` seconds old
    and nobody acted on the assignment since: a proposal is cancelled, a cancellation restores the
    previous status, an edit restores the previous values (and status). A restore runs every rule
    again (``RuleViolation``, nothing stored, when they fail now). The undo is written to the
    history and the audit log with action ``undo``; it is itself not undone. Returns the
    assignment's id and the action undone."""
    require(actor, *PLANNERS)
    last = qa.last_action(session, actor.actor, within_s=window_s)
    if last is None or last.action not in UNDOABLE:
        raise _nothing()
    a = _live(session, last.assignment_id, actor)
    if w.latest_history_id(session, a.id) != last.id:
        raise _nothing()
    before = w.snapshot(session, a)
    if last.action == "create":
        if a.status not in q.LIVE:
            raise _nothing()
        w.set_status(session, a, "cancelled", actor=actor.actor, reason=gettext("undone by the dispatcher"),
                     action="undo")
    else:
        regime = get_regime(a.regime)
        previous = last.before or {}
        if last.action == "cancelled":
            request = _request_of(a, w.member_ids(session, a.id))
        else:
            request = _snapshot_request(previous)
        facts = build_facts(session, request, regime, exclude_id=a.id)
        _refuse(check_assignment(facts, regime, gettext=gettext))
        _storable_override(session, facts.override)
        try:
            if last.action == "cancelled":
                w.set_status(session, a, previous.get("status", "proposed"), actor=actor.actor,
                             reason=previous.get("status_reason"), action="undo")
            else:
                w.update_assignment(session, a, facts, actor=actor.actor, action="undo",
                                    status=previous.get("status"))
        except IntegrityError as exc:
            raise _conflict(exc, facts, regime, gettext) from exc
    record(session, actor, "undo", "assignment", a.id, before, w.snapshot(session, a))
    return a.id, last.action


def undo_feature(session: Session, *, actor: Principal, window_s: float, gettext: Gettext = plain,
                 timezone: str = DEFAULT_TIMEZONE, locale: str | None = None) -> dict:
    """:func:`undo_last`, answered as ``{undone, assignment}`` (the action undone and the feature)."""
    assignment_id, action = undo_last(session, actor=actor, window_s=window_s, gettext=gettext)
    return {"undone": action, "assignment": assignment_feature(session, assignment_id, viewer=actor,
                                                               timezone=timezone, locale=locale)}
