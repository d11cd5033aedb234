"""Pages of field reports: file one by a click on the map, list them, a CSV, the supervisor's new ones.

Each page says that a report is information for the police, not a registered crime.
"""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from geo import services
from geo.errors import InvalidInput

from ..auth import current_principal
from ..formats import reader_locale
from ..config import settings
from ..config import zone_name as _zone
from ..db import get_session
from ..maps.render import MapOptions, components
from ..messages import localised
from ..rules import with_rules_column
from . import bp, render
from .forms import local_now, report_values


def _options() -> MapOptions:
    return MapOptions.from_settings(settings())


def _districts():
    return services.layer_features(get_session(), "district", viewer=current_principal(), limit=1000,
                                   locale=reader_locale()).frame


def _page_size() -> int:
    """``?per_page=`` or the configured page size; a bad value is refused with the range (400)."""
    raw = request.args.get("per_page", "").strip()
    if not raw:
        return settings().reports_page_size
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        raise InvalidInput(_("per_page must be a whole number from 1 to %(n)s", n=services.MAX_REPORT_PAGE))
    return int(raw)


def _list_page(page, *, title: str, heading: str, hint: str | None = None, carried: dict | None = None):
    """A page of reports under a map of every report its filter admits, drawn from the tiles."""
    built = render.reports_map(page.bounds, _districts(), _options(), points_zoom=settings().tiles.points_zoom,
                               categories=services.category_labels(_), since=page.since)
    carried = {**(carried or {}), "per_page": request.args.get("per_page") or None}
    older = url_for(request.endpoint, after=page.next_cursor, **carried) if page.next_cursor else None
    newest = url_for(request.endpoint, **carried) if request.args.get("after") else None
    return render_template("reports.html", title=title, heading=heading, hint=hint, reports=page.reports,
                           older=older, newest=newest, per_page=_page_size(), sizes=PAGE_SIZES,
                           carried={k: v for k, v in carried.items() if k != "per_page" and v is not None},
                           parts=components(built), note=services.report_note(_))


PAGE_SIZES = (20, 50, 100, 200)


@bp.get("/reports")
def reports():
    """The reports the user may see, newest first, a page at a time, on a map drawn from their tiles."""
    page = services.report_page(get_session(), current_principal(), size=_page_size(),
                                cursor=request.args.get("after"), gettext=_, timezone_name=_zone())
    return _list_page(page, title=_("Reports"), heading=_("Reports from the field"))


@bp.get("/supervise/reports")
def new_reports():
    """For a supervisor: new reports placed in their unit's jurisdiction, newest first, a page at a time."""
    raw = request.args.get("days", "7").strip()
    if not (raw.isascii() and raw.isdigit() and len(raw) <= 4):
        raise InvalidInput(_("days must be a whole number of days from 1 to 366"))
    days = int(raw)
    page = services.new_report_page(get_session(), current_principal(), days=days, size=_page_size(),
                                    cursor=request.args.get("after"), gettext=_, timezone_name=_zone())
    return _list_page(page, title=_("New reports"), heading=_("New reports in your jurisdiction"),
                      hint=_("Reported in the last %(days)s days.", days=days), carried={"days": days})


@bp.get("/reports.csv")
def reports_csv():
    """The reports the user may see as CSV."""
    text = with_rules_column(services.reports_csv(get_session(), current_principal(), gettext=_,
                                                   timezone_name=_zone()))
    return Response(text, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=field-reports.csv"})


@bp.get("/reports/<int:report_id>")
def report(report_id: int):
    """One report with its place."""
    shown = services.report(get_session(), current_principal(), report_id, gettext=_, timezone_name=_zone())
    parts = components(render.point_map(shown, _options()))
    return render_template("report.html", title=_("Report %(id)s", id=report_id), report=shown, parts=parts)


def _form_page(values: dict, *, errors: list[str] | None = None, status: int = 200):
    built = render.placing_map(_districts(), _options())
    setup = {"map": built.get_name(), "strings": {
        "placed_map": _("Place marked on the map: %(lat)s, %(lon)s"),
        "placed_device": _("Place from this device: %(lat)s, %(lon)s (±%(accuracy)s m)"),
        "locating": _("Asking the device for its location…"),
        "no_geolocation": _("This browser cannot tell its location; click the map instead."),
        "geolocation_failed": _("The device did not give its location (%(error)s); click the map instead.")}}
    return render_template("report_new.html", title=_("New report"), values=values, errors=errors or [],
                           categories=services.filing_categories(current_principal(), _),
                           report_types=services.report_types(_), parts=components(built), setup=setup,
                           note=services.report_note(_)), status


@bp.get("/reports/new")
def new_report():
    """The form: a category, the item 6 type, the place by a click on the map or the device's location,
    times, description."""
    return _form_page({"observed_at": local_now(_zone()), "location_source": "map"})


@bp.post("/reports/new")
def file_report():
    """Store the report, or show the form again with every problem (nothing stored)."""
    session = get_session()
    values = report_values(request.form, _zone())
    try:
        shown = services.file_report(session, current_principal(), gettext=_, timezone_name=_zone(), **values)
    except InvalidInput as exc:
        session.rollback()
        kept = dict(request.form) | {"lon": values["lon"], "lat": values["lat"]}
        return _form_page(kept, errors=[localised(row.msg) for row in exc.rows] or [localised(exc.msg)], status=400)
    session.commit()
    flash(_("Report %(id)s stored. It is information for the police, not a registered crime.", id=shown["id"]))
    return redirect(url_for("reports.report", report_id=shown["id"]))
