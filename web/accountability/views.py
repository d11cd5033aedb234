"""The audit log (admins, supervisors) with filters, and the quarterly summary as a page and a CSV."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Response, render_template, request
from flask_babel import gettext as _

from geo import services
from geo.errors import InvalidInput
from geo.messages import N_, Message

from ..api.bodies import arg
from ..auth import current_principal
from ..config import settings
from ..config import zone_name as _zone
from ..formats import reader_locale
from ..db import get_session
from ..rules import with_rules_column
from . import bp

PAGE = 200


def _day(name: str) -> date | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput(Message("web.accountability.date-yyyy-mm",
                                   N_("%(name)s must be a date YYYY-MM-DD, got %(raw)s"),
                                   name=name, raw=raw)) from None


@bp.get("/audit")
def audit():
    """Who changed what and when, newest first; filters by entity and by days."""
    viewer, session = current_principal(), get_session()
    entity = request.args.get("entity", "").strip() or None
    first, last = _day("from"), _day("to")
    offset = max(arg("offset", "int") or 0, 0)  # bounded like the API's numbers
    entries = services.audit_trail(session, viewer, entity=entity, first_day=first, last_day=last, limit=PAGE,
                                   offset=offset, timezone_name=_zone())
    return render_template("audit.html", title=_("Audit log"), entries=entries, entity=entity or "",
                           entities=services.audit_entities(session, viewer), first=first, last=last,
                           offset=offset, page=PAGE)


def _quarter() -> services.Quarter:
    today = datetime.now(ZoneInfo(_zone())).date()
    year = request.args.get("year", type=int)
    number = request.args.get("quarter", type=int)
    if year is None and number is None:
        return services.Quarter.of(today)
    return services.Quarter(year or today.year, number or services.Quarter.of(today).number)


@bp.get("/quarterly")
def quarterly():
    """Per formation: confirmed assignments, hours on duty and reports by category in a quarter."""
    quarter = _quarter()
    rows = services.quarterly_summary(get_session(), current_principal(), quarter, timezone_name=_zone())
    presence = services.presence_by_target(get_session(), current_principal(), quarter, settings=settings().presence,
                                           timezone_name=_zone(), locale=reader_locale())
    return render_template("quarterly.html", title=_("Quarterly activity"), quarter=quarter, rows=rows,
                           presence=presence, kind=lambda k: services.target_label(k, _),
                           categories=services.category_labels(_), note=services.report_note(_))


@bp.get("/quarterly.csv")
def quarterly_csv():
    """The quarterly summary as CSV, for the akimat commission."""
    quarter = _quarter()
    text = with_rules_column(services.quarterly_csv(get_session(), current_principal(), quarter, gettext=_,
                                                     timezone_name=_zone()))
    name = f"kuzet-activity-{quarter.year}-q{quarter.number}.csv"
    return Response(text, mimetype="text/csv", headers={"Content-Disposition": f"attachment; filename={name}"})
