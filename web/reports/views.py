"""Pages of field reports: file one by a click on the map, list them, a CSV, the supervisor's new ones.

Each page says that a report is information for the police, not a registered crime.
"""
from __future__ import annotations

from flask import Response, flash, jsonify, redirect, render_template, request, url_for
from flask_babel import gettext as _

from geo import services
from geo.errors import Forbidden, InvalidInput, NotFound

from ..auth import current_principal
from ..formats import format_moment, reader_locale
from ..config import settings
from ..config import zone_name as _zone
from ..db import get_session
from ..maps.render import MapOptions, components
from ..messages import localised
from ..rules import with_rules_column
from . import bp, render
from .forms import local_now, report_photos, report_values


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


def _shift_for(raw: str | None) -> dict | None:
    """The reader's own shift ``?assignment_id=`` names, as the form shows it (None for no shift or not theirs)."""
    if not (raw and raw.isascii() and raw.isdigit() and len(raw) <= 9):
        return None
    try:
        return services.my_shift(get_session(), current_principal(), int(raw), timezone_name=_zone())["properties"]
    except (NotFound, InvalidInput, Forbidden):  # not theirs, or (a dispatcher) no shifts of their own
        return None


def _form_page(values: dict, *, errors: list[str] | None = None, status: int = 200):
    built = render.placing_map(_districts(), _options())
    photos = settings().photos
    setup = {"map": built.get_name(), "strings": {
        "placed_map": _("Place marked on the map: %(lat)s, %(lon)s"),
        "placed_device": _("Place from this device: %(lat)s, %(lon)s (±%(accuracy)s m)"),
        "locating": _("Asking the device for its location…"),
        "no_geolocation": _("This browser cannot tell its location; click the map instead."),
        "geolocation_failed": _("The device did not give its location (%(error)s); click the map instead."),
        "no_place": _("Mark the place on the map or use the device's location first."),
        "shift_offline": _("Filed from shift %(id)s.")},
        "photo_max_bytes": photos.max_bytes, "photo_max_count": photos.max_count}
    shift = _shift_for(str(values.get("assignment_id") or request.args.get("assignment_id") or ""))
    return render_template("report_new.html", title=_("New report"), values=values, errors=errors or [],
                           categories=services.filing_categories(current_principal(), _),
                           report_types=services.report_types(_), parts=components(built), setup=setup,
                           note=services.report_note(_), shift=shift, photo_limits=photos,
                           when=format_moment), status


@bp.get("/reports/new")
def new_report():
    """The form: a category, the item 6 type, the place by a click on the map or the device's location,
    times, description, photos; ``?assignment_id=`` files it from one of the reader's shifts."""
    return _form_page({"observed_at": local_now(_zone()), "location_source": "map",
                       "assignment_id": request.args.get("assignment_id", "")})


def _wants_json() -> bool:
    """A page's script sending a report (one kept on the device, perhaps) asks for JSON."""
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json"


@bp.post("/reports/new")
def file_report():
    """Store the report with its photos, or show the form again with every problem (nothing stored).
    A report sent again with its ``client_key`` answers the stored one (200) and stores nothing."""
    session = get_session()
    values = report_values(request.form, _zone())
    photos = report_photos(request.files, limit=settings().photos.max_count)
    try:
        shown, stored = services.submit_report(session, current_principal(), gettext=_, timezone_name=_zone(),
                                               photos=photos, photo_settings=settings().photos, **values)
    except InvalidInput as exc:
        session.rollback()
        errors = [localised(row.msg) for row in exc.rows] or [localised(exc.msg)]
        if _wants_json():
            return jsonify({"code": "invalid-input", "message": localised(exc.msg), "errors": errors}), 400
        kept = dict(request.form) | {"lon": values["lon"], "lat": values["lat"]}
        return _form_page(kept, errors=errors, status=400)
    session.commit()
    url = url_for("reports.report", report_id=shown["id"])
    if _wants_json():
        return jsonify(shown | {"url": url, "stored_now": stored}), 201 if stored else 200
    if stored:
        flash(_("Report %(id)s stored. It is information for the police, not a registered crime.", id=shown["id"]))
    else:
        flash(_("Report %(id)s was stored before; nothing more was stored.", id=shown["id"]))
    return redirect(url)


@bp.get("/reports/<int:report_id>/photos/<int:photo_id>")
def report_photo(report_id: int, photo_id: int):
    """A photo of a report the reader may see (re-encoded when stored: no EXIF, no GPS)."""
    return _photo(report_id, photo_id, thumbnail=False)


@bp.get("/reports/<int:report_id>/photos/<int:photo_id>/thumbnail")
def report_photo_thumbnail(report_id: int, photo_id: int):
    """A photo's thumbnail (JPEG)."""
    return _photo(report_id, photo_id, thumbnail=True)


def _photo(report_id: int, photo_id: int, *, thumbnail: bool) -> Response:
    content_type, data = services.report_photo(get_session(), current_principal(), report_id, photo_id,
                                               thumbnail=thumbnail)
    # private: a photo is for those who may see its report; it never changes once stored
    return Response(data, mimetype=content_type, headers={"Cache-Control": "private, max-age=86400"})
