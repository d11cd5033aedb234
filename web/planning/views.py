"""The planner's page: a shift's proposal on the map, its items with their officers, accept all or some.

The map (``render.build_plan_map``) shows the district outlines; plan.js draws the proposal on it, styling
each target by its outcome with ``PLAN_STYLES``, which the legend shares.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import render_template, request, url_for
from flask_babel import gettext as _

from geo import services
from geo.domain import ASSIGNABLE_KINDS
from geo.errors import InvalidInput
from geo.messages import N_, Message
from geo.services import target_label

from ..auth import current_principal
from ..config import settings, zone_name
from ..db import get_session
from ..maps.render import MapOptions, components
from . import bp
from .render import build_plan_map

DEFAULT_START, DEFAULT_END = time(18), time(22)
PLAN_STYLES = {
    "assigned": {"color": "#1b5e20", "weight": 3, "opacity": 1.0, "fillColor": "#43a047", "fillOpacity": 0.45},
    "short": {"color": "#6a1b9a", "weight": 4, "opacity": 1.0, "fillColor": "#ab47bc", "fillOpacity": 0.45,
              "dashArray": "6 4"},
    "uncovered": {"color": "#c62828", "weight": 3, "opacity": 1.0, "fillColor": "#ef5350", "fillOpacity": 0.4},
    "no_demand": {"color": "#78909c", "weight": 1, "opacity": 0.7, "fillColor": "#b0bec5", "fillOpacity": 0.1},
}


def _api_root() -> str:
    """Where /api/v1 is served (behind a proxy prefix too), for the page's script."""
    return url_for("api.openapi").rsplit("/", 1)[0]


def _shift() -> tuple[date, time, time]:
    """``date`` (default tomorrow in the area's zone), ``start`` and ``end`` (HH:MM) of the query."""
    raw_day = request.args.get("date", "").strip()
    try:
        day = (date.fromisoformat(raw_day) if raw_day else
               datetime.now(ZoneInfo(zone_name())).date() + timedelta(days=1))
    except ValueError:
        raise InvalidInput(Message("web.dispatch.date-yyyy-mm",
                                   N_("date must be YYYY-MM-DD, got %(raw)s"), raw=raw_day)) from None
    hours = []
    for name, default in (("start", DEFAULT_START), ("end", DEFAULT_END)):
        raw = request.args.get(name, "").strip()
        try:
            hours.append(time.fromisoformat(raw) if raw else default)
        except ValueError:
            raise InvalidInput(Message("web.planning.hh-mm-got",
                                       N_("%(name)s must be HH:MM, got %(raw)s"), name=name, raw=raw)) from None
    return day, hours[0], hours[1]


def plan_strings() -> dict:
    """Strings of plan.js."""
    return {
        "solving": _("Solving: reading demand, checking every formation against the rules, optimising…"),
        "solved": _("Proposed in %(seconds)s s (%(status)s)."),
        "statuses": {"optimal": _("proved optimal"), "time_limit": _("time limit reached"),
                     "empty": _("nothing to plan"),
                     "no_solution": _("time limit reached before any plan was found")},
        "failed": _("No plan: %(error)s"),
        "no_kind": _("Choose at least one kind of target."),
        "coverage": _("%(pct)s %% of the demand covered"),
        "no_items": _("The plan sends no formation."),
        "accepting": _("Storing the accepted assignments; every rule is checked again…"),
        "accepted": _("%(stored)s stored, %(refused)s refused."),
        "stored": _("stored as assignment %(id)s"),
        "refused": _("refused"),
        "none_selected": _("Tick at least one assignment."),
        "see_dispatch": _("See them on the dispatcher's map"),
        "states": {"assigned": _("assigned"), "short": _("under-staffed event"), "uncovered": _("uncovered demand"),
                   "no_demand": _("no recent incidents")},
        "labels": {"kind": _("Kind"), "state": _("Outcome"), "weight": _("Incidents (same hours, recent weeks)"),
                   "need": _("Members needed"), "staffed": _("Members planned"), "formations": _("Formations"),
                   "note": _("Why")},
        "kinds": {kind: target_label(kind, _) for kind in ASSIGNABLE_KINDS},
        "none": _("none"),
        "incidents": _("%(n)s incident(s)"),
    }


@bp.get("/dispatch/plan")
def plan():
    """Propose a plan for a shift: the proposal on the map, coverage, its items to accept."""
    config = settings()
    day, start, end = _shift()
    districts = services.plan_page(get_session(), viewer=current_principal(), limit=config.map.feature_limit)
    built = build_plan_map(districts, MapOptions.from_settings(config))
    setup = {"map": built.get_name(), "api": _api_root(), "styles": PLAN_STYLES, "strings": plan_strings(),
             "dispatch": url_for("dispatch.dispatch"), "auto": bool(request.args.get("date"))}
    return render_template("plan.html", title=_("Propose a plan"), parts=components(built), day=day,
                           start=start.strftime("%H:%M"), end=end.strftime("%H:%M"), setup=setup,
                           styles=PLAN_STYLES, kinds=request.args.getlist("kind") or ["patrol_zone"])
