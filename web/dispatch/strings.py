"""The user-facing strings the pages' scripts show, translated here (gettext) and handed over as JSON.

Placeholders are ``%(name)s``, filled in by the scripts with text (never HTML).
"""
from __future__ import annotations

from flask_babel import gettext as _

from geo.domain import ASSIGNABLE_KINDS
from geo.services import target_label


def _statuses() -> dict[str, str]:
    return {"proposed": _("proposed"), "confirmed": _("confirmed"), "rejected": _("rejected"),
            "cancelled": _("cancelled")}


def dispatch_strings() -> dict:
    """Strings of dispatch.js."""
    return {
        "pick_target": _("Click a target on the map."),
        "loading": _("Loading…"),
        "choose_assignee": _("Choose a formation or an individual participant."),
        "eligible": _("eligible"),
        "not_eligible": _("not eligible"),
        "no_formations": _("No formation can be ranked: the target allows no activity."),
        "no_officer": _("No supervising officer"),
        "no_officers": _("No officer of the units covering this target."),
        "no_members": _("The formation has no members on that date."),
        "leader": _("leader"),
        "window": _("Event window: %(start)s – %(end)s"),
        "proposed_ok": _("Assignment %(id)s proposed: %(formation)s at %(target)s, %(start)s – %(end)s."),
        "proposed_already": _("Assignment %(id)s was already proposed by this request; nothing more was stored."),
        "refused": _("Refused: the assignment breaks these rules; nothing was stored."),
        "failed": _("Not stored: %(error)s"),
        "no_options": _("Cannot show the options: %(error)s"),
        "shift_order": _("The shift must start before it ends."),
        "area_saved": _("%(name)s saved; it is selected as the target."),
        "area_kind_patrol_zone": _("patrol zone"),
        "area_kind_emergency_area": _("emergency area"),
        "labels": {"formation": _("Formation"), "participant": _("Individual participant"), "target": _("Target"), "activity": _("Activity"),
                   "shift": _("Shift"), "officer": _("Officer"), "status": _("Status"), "members": _("Members"),
                   "acknowledged": _("Leader")},
        "acknowledged_by": _("acknowledged by %(who)s, %(at)s"),
        # no account named: acknowledged before accounts existed (the demo's history) or by one since deleted
        "acknowledged_at": _("acknowledged %(at)s"),
        "not_acknowledged": _("not acknowledged yet"),
        "statuses": _statuses(),
        "kinds": {kind: target_label(kind, _) for kind in ASSIGNABLE_KINDS},
        "none": _("none"),
        "choose_target": _("Several targets here: which one?"),
        "board": board_strings(),
    }


def board_states() -> list[tuple[str, str]]:
    """The board's states (``geo.services.STATES``) and their labels, for its filter."""
    labels = dict(_statuses(), acknowledged=_("acknowledged by the leader"))
    return [(state, labels[state]) for state in ("proposed", "confirmed", "acknowledged", "rejected", "cancelled")]


def board_strings() -> dict:
    """Strings of board.js (the dispatcher's shift board)."""
    return {
        "states": dict(board_states()),
        "empty": _("No assignment on this day."),
        "none_shown": _("No assignment matches the filter."),
        "count": _("%(shown)s of %(total)s assignments shown."),
        "loading": _("Loading…"),
        "failed": _("Cannot show the board: %(error)s"),
        "show": _("Show on map"),
        "edit": _("Edit"),
        "cancel": _("Cancel assignment"),
        "save": _("Save changes"),
        "close": _("Close"),
        "reason": _("Reason for the cancellation"),
        "confirm_cancel": _("Cancel it"),
        "starts": _("Shift starts"),
        "ends": _("Shift ends"),
        "officer": _("Supervising officer"),
        "no_officer": _("No supervising officer"),
        "not_eligible": _("not eligible"),
        "time_hint": _("Times are 24-hour HH:MM."),
        "bad_time": _("Enter the date and a time as HH:MM."),
        "saved": _("Assignment %(id)s changed; it is proposed to the supervisor again if it was confirmed."),
        "cancelled": _("Assignment %(id)s cancelled."),
        "proposed": _("Assignment %(id)s proposed."),
        "undo_offer": _("You can undo this for %(seconds)s s."),
        "undone": _("Undone: assignment %(id)s is %(state)s now."),
        "not_undone": _("Not undone: %(error)s"),
        "not_changed": _("Not changed: %(error)s"),
        "refused": _("Refused: the change breaks these rules; nothing was stored."),
        "no_geometry": _("This target has no shape to show."),
        "flags": _("Needs a look"),
        "plan_route": _("Plan route"),
        "route_start": _("Start from"),
        "route_place": _("%(name)s (%(m)s m from the target)"),
        "route_point": _("A point I click on the map"),
        "route_click": _("Click the map where the route starts."),
        "route_picked": _("Starts at %(lat)s, %(lon)s."),
        "route_plan": _("Plan the route"),
        "route_planning": _("Planning the route…"),
        "route_done": _("Route planned and stored."),
        "route_moved": _("Route planned; the start lies off the target's streets, so it starts at the nearest of them."),
        "route_failed": _("No route: %(error)s"),
        "route_summary": _("Route: %(km)s km, %(minutes)s min (%(walking)s min walking), %(stops)s hot cells, "
                           "weight %(weight)s of %(available)s."),
    }


def supervise_strings() -> dict:
    """Strings of supervise.js it cannot mark itself (the target kinds' labels); its own text goes
    through its gettext() (web/static/i18n.js)."""
    return {"kinds": {kind: target_label(kind, _) for kind in ASSIGNABLE_KINDS}}
