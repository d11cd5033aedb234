"""The sheet routes: one assignment's sheet, and a day's sheets (one per page), as HTML or PDF."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Response, render_template, request, url_for
from flask_babel import gettext as _

from geo import services
from geo.services import target_label

from ..auth import current_principal
from ..config import zone_name
from ..db import get_session
from ..formats import format_clock, format_day, format_moment, reader_locale
from ..dispatch.views import requested_day
from ..leader.views import status_labels
from . import bp
from .pdf import html_to_pdf


def _back() -> str:
    """Where the sheet's "Back" link leads: the reader's own list of shifts."""
    viewer = current_principal()
    if viewer.has("dispatcher"):
        return url_for("dispatch.dispatch")
    if viewer.has("supervisor"):
        return url_for("dispatch.supervise")
    return url_for("leader.my_shifts")


def shift_time(starts_at: str | None, ends_at: str | None) -> str:
    """The shift as the sheet prints it, 24-hour in the regime's zone: 05.12.2026 18:00–22:00
    (the end's day too when it ends another day)."""
    if not starts_at or not ends_at:
        return "…"
    same_day = format_day(starts_at) == format_day(ends_at)
    return f"{format_moment(starts_at)}–{format_clock(ends_at) if same_day else format_moment(ends_at)}"


def _render(sheets, *, title: str, pdf: bool, back: str | None = None, pdf_url: str | None = None,
            empty: str | None = None) -> str:
    return render_template("sheets.html", title=title, sheets=sheets, pdf=pdf, back=back, pdf_url=pdf_url,
                           empty=empty, shift_time=shift_time, zone=zone_name(), statuses=status_labels(),
                           kind=lambda k: target_label(k, _), cite=lambda c: c.text(_),
                           printed=format_moment(datetime.now(ZoneInfo(zone_name()))))


def _pdf(html: str, filename: str) -> Response:
    return Response(html_to_pdf(html), mimetype="application/pdf",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


def _shift_sheet(assignment_id: int):
    return services.shift_sheet(get_session(), current_principal(), assignment_id, timezone_name=zone_name(),
                                locale=reader_locale())


@bp.get("/assignments/<int:assignment_id>/sheet")
def shift_sheet(assignment_id: int):
    """One assignment's shift sheet, to print (one A4 page)."""
    sheet = _shift_sheet(assignment_id)
    return _render([sheet], title=_("Shift sheet %(id)s", id=assignment_id), pdf=False,
                   back=_back(), pdf_url=f"{request.path}.pdf")


@bp.get("/assignments/<int:assignment_id>/sheet.pdf")
def shift_sheet_pdf(assignment_id: int):
    """One assignment's shift sheet as a PDF download."""
    sheet = _shift_sheet(assignment_id)
    day = sheet.feature["properties"]["starts_at"][:10]
    html = _render([sheet], title=_("Shift sheet %(id)s", id=assignment_id), pdf=True)
    return _pdf(html, f"kuzet-shift-{assignment_id}-{day}.pdf")


def _day_sheets(day: date):
    return services.day_sheets(get_session(), current_principal(), day, timezone_name=zone_name(),
                               locale=reader_locale())


@bp.get("/dispatch/sheets")
def day_sheets():
    """Every live assignment of a day (``?date=YYYY-MM-DD``, default today), one sheet per page."""
    day = requested_day()
    sheets = _day_sheets(day)
    return _render(sheets, title=_("Shift sheets for %(day)s", day=format_day(day)), pdf=False,
                   back=_back(), pdf_url=f"{request.path}.pdf?date={day.isoformat()}",
                   empty=_("No live assignments on %(day)s.", day=format_day(day)))


@bp.get("/dispatch/sheets.pdf")
def day_sheets_pdf():
    """A day's sheets as one PDF, one page per assignment."""
    day = requested_day()
    sheets = _day_sheets(day)
    html = _render(sheets, title=_("Shift sheets for %(day)s", day=format_day(day)), pdf=True,
                   empty=_("No live assignments on %(day)s.", day=format_day(day)))
    return _pdf(html, f"kuzet-shifts-{day.isoformat()}.pdf")
