"""Pages of dispatch: the dispatcher's map and form, the supervisor's list of proposals."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import render_template, request, url_for
from flask_babel import gettext as _

from geo import services
from geo.errors import InvalidInput
from geo.messages import N_, Message

from ..api.bodies import arg
from ..auth import current_principal
from ..config import settings, zone_name
from ..db import get_session
from ..formats import reader_locale
from ..maps.cards import new_map
from ..maps.render import MapOptions, components
from ..messages import localised
from . import bp, render
from .strings import board_states, dispatch_strings, supervise_strings


def _api_root() -> str:
    """Where /api/v1 is served (behind a proxy prefix too), for the pages' scripts."""
    return url_for("api.openapi").rsplit("/", 1)[0]


def requested_day() -> date:
    """The day a page is asked for (``?date=YYYY-MM-DD``; today in the regime's zone when none)."""
    raw = request.args.get("date", "").strip()
    if not raw:
        return datetime.now(ZoneInfo(zone_name())).date()
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(Message("web.dispatch.date-yyyy-mm",
                                   N_("date must be YYYY-MM-DD, got %(raw)s"), raw=raw)) from None


@bp.get("/dispatch")
def dispatch():
    """The dispatcher's map of a day: click a target, choose a formation and officer, propose."""
    config = settings()
    day = requested_day()
    data = services.dispatch_day(get_session(), day, viewer=current_principal(), limit=config.map.feature_limit,
                                 timezone=config.timezone, with_targets=False, locale=reader_locale())
    # The targets come from their vector tiles: the page does not grow with them.
    built = render.build_dispatch_map(data, MapOptions.from_settings(config), points_zoom=config.tiles.points_zoom)
    setup = {"map": built.map.get_name(), "assignments": built.assignments, "targets": built.targets,
             "tile_targets": built.tile_targets, "streets": built.streets,
             "undo_window_s": config.undo_window_s,
             "styles": render.ASSIGNMENT_STYLES, "api": _api_root(),
             "day": day.isoformat(), "strings": dispatch_strings()}
    undelivered = services.undelivered_mail(get_session(), current_principal(), max_attempts=config.mail.max_attempts,
                                            timezone_name=config.timezone)
    return render_template("dispatch.html", title=_("Dispatch"), parts=components(built.map), day=day,
                           setup=setup, undelivered=undelivered, board_states=board_states())


@bp.get("/supervise")
def supervise():
    """Proposed assignments in the signed-in officer's jurisdiction with the facts to sign off on
    (an admin chooses the officer); one map shows the proposal chosen."""
    config = settings()
    page = services.review_proposals(get_session(), viewer=current_principal(), officer_id=arg("officer_id", "int"),
                                     gettext=_, timezone=config.timezone, locale=reader_locale())
    officer = page["officer"]
    built = new_map(MapOptions.from_settings(config)) if page["proposals"] else None
    setup = {"api": _api_root(), "officer_id": officer and officer["id"], "strings": supervise_strings(),
             "map": built.get_name() if built else None,
             "targets": {str(p["feature"]["id"]): p["feature"]["geometry"] for p in page["proposals"]}}
    return render_template("supervise.html", title=_("Supervise"), officers=page["officers"], officer=officer,
                           chosen=page["chosen"], proposals=page["proposals"], setup=setup,
                           parts=components(built) if built else None, localised=localised,
                           kinds=supervise_strings()["kinds"])
