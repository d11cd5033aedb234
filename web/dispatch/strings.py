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
        "not_acknowledged": _("not acknowledged yet"),
        "statuses": _statuses(),
        "kinds": {kind: target_label(kind, _) for kind in ASSIGNABLE_KINDS},
        "none": _("none"),
    }


def supervise_strings() -> dict:
    """Strings of supervise.js it cannot mark itself (the target kinds' labels); its own text goes
    through its gettext() (web/static/i18n.js)."""
    return {"kinds": {kind: target_label(kind, _) for kind in ASSIGNABLE_KINDS}}
