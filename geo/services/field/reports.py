"""Reports from the field: leaders, individual participants and dispatchers record what they saw and
did (Law 590-II); a report may name the item 6 type it falls under (the regime's report types).

A report is information for the police, not a registered crime: every answer carries that ``note``.
Bad input stores nothing and names every problem at once. Who sees a report follows
:func:`geo.visibility.scope_of`: a leader their formation's, a supervisor those in their unit's
jurisdiction, admins, dispatchers and analysts all of them.
"""
from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ...access import REPORTERS, Principal, require
from ...db import reports as q
from ...domain import DEFAULT_TIMEZONE, ReportCategory, Role
from ...errors import InvalidInput, NotFound, RowError
from ...ingest.photos import Photo, PhotoRefused, read_photo
from ...messages import N_, Message
from ...regimes import DEFAULT_REGIME, Regime, get_regime
from ...settings import PhotoSettings
from ...rules.messages import Gettext, plain
from ...visibility import scope_of
from ..accountability.audit import record

LOCATION_SOURCES = ("map", "device")
MAX_DESCRIPTION = 4000
# The key a device makes for a report it files (a UUID is 36 characters): printable ASCII.
CLIENT_KEY = re.compile(r"[\x21-\x7e]{1,200}")


@dataclass(frozen=True)
class ReportLimits:
    """How old an observation may be when reported, and how far ahead of the server a device clock may
    run (an observation up to ``clock_skew`` "in the future" is taken as observed now)."""

    max_age: timedelta = timedelta(days=30)
    clock_skew: timedelta = timedelta(minutes=2)


def report_note(gettext: Gettext = plain) -> str:
    """What every report says about itself."""
    return gettext("Information for the police, not a registered crime.")


def category_labels(gettext: Gettext = plain) -> dict[str, str]:
    """The Law's list of what participants report, as users read it."""
    return {
        ReportCategory.OFFENCE_PREVENTED: gettext("Offence prevented or suppressed"),
        ReportCategory.ORDER_DEMAND: gettext("Demand to keep public order"),
        ReportCategory.PERSON_HANDED_OVER: gettext("Person detained and handed over to the police"),
        ReportCategory.AID_TO_VICTIMS: gettext("Aid to victims of offences"),
        ReportCategory.ACCIDENT_OR_EMERGENCY: gettext("Aid at a road accident or emergency"),
        ReportCategory.PREVENTION_TALK: gettext("Prevention talk"),
        ReportCategory.CRIME_INFORMATION: gettext("Information about a crime"),
    }


def filing_categories(actor: Principal, gettext: Gettext = plain) -> dict[str, str]:
    """The categories to choose from, for those who may file reports (leaders, participants, dispatchers)."""
    require(actor, *REPORTERS)
    return category_labels(gettext)


def report_types(gettext: Gettext = plain, *, regime_name: str = DEFAULT_REGIME) -> dict[str, str]:
    """The item 6 types a report may fall under (the regime's), code -> "item: title" as users read it.

    Examples
    --------
    >>> report_types()["6.6"]
    '6.6: Illegal cultivation and collection of drug-containing plants'
    """
    return {t.code: f"{t.item}: {gettext(t.title)}" for t in get_regime(regime_name).report_types}


def _number(value) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        return None
    return float(value)


def _problems(session: Session, *, category, lon, lat, observed_at, description, location_source, now,
              limits: ReportLimits, gettext: Gettext, item, item_needed: bool, regime: Regime) -> list[RowError]:
    out = []

    def bad(field: str, reason: str) -> None:
        out.append(RowError(1, field, reason))

    if item is None and item_needed:
        bad("item", gettext("choose the type of assistance the report falls under: %(names)s",
                            names=", ".join(t.code for t in regime.report_types)))
    elif item is not None and (not isinstance(item, str) or regime.report_type(item) is None):
        bad("item", gettext("unknown type of assistance %(item)s; types are: %(names)s", item=repr(item),
                            names=", ".join(t.code for t in regime.report_types)))

    if category not in {c.value for c in ReportCategory}:
        bad("category", gettext("choose a category from the list: %(names)s",
                                names=", ".join(c.value for c in ReportCategory)))
    x, y = _number(lon), _number(lat)
    if x is None or y is None:
        bad("place", gettext("mark the place on the map or use the device's location"))
    elif not (-180 <= x <= 180 and -90 <= y <= 90):
        bad("place", gettext("the place is not a longitude/latitude pair"))
    elif not q.in_districts(session, x, y):
        bad("place", gettext("the place lies outside the districts kuzet covers"))
    if not isinstance(observed_at, datetime) or observed_at.tzinfo is None:
        bad("observed_at", gettext("give the date and time the event was observed"))
    elif observed_at > now + limits.clock_skew:
        bad("observed_at", gettext("the time observed is in the future"))
    elif observed_at < now - limits.max_age:
        bad("observed_at", gettext("the time observed is more than %(days)s days ago",
                                   days=limits.max_age.days))
    if not isinstance(description, str) or not description.strip():
        bad("description", gettext("describe what happened"))
    elif len(description) > MAX_DESCRIPTION:
        bad("description", gettext("the description is longer than %(n)s characters", n=MAX_DESCRIPTION))
    if location_source not in LOCATION_SOURCES:
        bad("location_source", gettext("the place comes from the map or the device"))
    return out


def file_report(session: Session, actor: Principal, **options) -> dict:
    """:func:`submit_report`, answered as the report alone."""
    return submit_report(session, actor, **options)[0]


def submit_report(session: Session, actor: Principal, *, category: str, lon: float | None, lat: float | None,
                  observed_at: datetime | None, description: str, location_source: str = "map",
                  assignment_id: int | None = None, item: str | None = None, client_key: str | None = None,
                  photos: Sequence[tuple[str, bytes]] = (), photo_settings: PhotoSettings = PhotoSettings(),
                  now: datetime | None = None, limits: ReportLimits = ReportLimits(), gettext: Gettext = plain,
                  timezone_name: str = DEFAULT_TIMEZONE, regime_name: str = DEFAULT_REGIME) -> tuple[dict, bool]:
    """Store a report by a leader (for their formation), an individual participant (their own) or a
    dispatcher, reported at server time; answer it and whether it was stored now.

    ``item`` is the type of assistance it falls under, one of the regime's report types (item 6); an
    individual participant must name one. ``assignment_id`` links it to the shift it was filed from:
    one of the actor's own (a dispatcher: any). ``photos`` are ``(name, bytes)`` pairs, JPEG or PNG,
    stored without their metadata. A ``client_key`` the actor filed a report with before answers that
    report and stores nothing (a phone sending again what it kept while offline).

    Raises ``InvalidInput`` listing every bad field (nothing stored).
    """
    require(actor, *REPORTERS)
    if isinstance(client_key, str) and CLIENT_KEY.fullmatch(client_key) and actor.user_id is not None:
        stored = q.report_of_key(session, actor.user_id, client_key)
        if stored is not None:
            return report(session, actor, stored, gettext=gettext, timezone_name=timezone_name), False
    now = now or datetime.now(timezone.utc)
    participant_id = actor.only_participant
    problems = _problems(session, category=category, lon=lon, lat=lat, observed_at=observed_at,
                         description=description, location_source=location_source, now=now, limits=limits,
                         gettext=gettext, item=item, item_needed=participant_id is not None,
                         regime=get_regime(regime_name))
    if client_key is not None and not (isinstance(client_key, str) and CLIENT_KEY.fullmatch(client_key)):
        problems.append(RowError(1, "client_key", gettext(
            "the report's device key must be 1 to 200 printable characters without spaces")))
    formation_id = actor.formation_id if Role.LEADER in actor.roles else None
    if assignment_id is not None:
        holder = _holder_of(session, actor, assignment_id, formation_id, participant_id, gettext)
        if isinstance(holder, RowError):
            problems.append(holder)
        else:
            formation_id, participant_id = holder
    taken = _photos(photos, photo_settings, gettext, problems)
    if problems:
        raise InvalidInput(gettext("The report was not stored: %(reasons)s",
                                   reasons="; ".join(p.reason for p in problems)), rows=problems)
    try:
        with session.begin_nested():
            stored = q.insert_report(session, category=category, observed_at=min(observed_at, now), reported_at=now,
                                     description=description.strip(), formation_id=formation_id,
                                     assignment_id=assignment_id, reported_by=actor.user_id,
                                     location_source=location_source, lon=float(lon), lat=float(lat),
                                     participant_id=participant_id, item=item, client_key=client_key)
            q.insert_photos(session, stored.id, taken)
    except IntegrityError as exc:
        if client_key is None or "ix_field_report_client_key" not in str(exc.orig):
            raise
        # The same report, stored a moment ago by a send that raced this one.
        again = q.report_of_key(session, actor.user_id, client_key)
        return report(session, actor, again, gettext=gettext, timezone_name=timezone_name), False
    shown = report(session, actor, stored.id, gettext=gettext, timezone_name=timezone_name)
    record(session, actor, "create", "field_report", stored.id, None,
           {k: v for k, v in shown.items() if k not in ("note", "photos")} | {"photo_count": len(taken)})
    return shown, True


def _photos(photos: Sequence[tuple[str, bytes]], settings: PhotoSettings, gettext: Gettext,
            problems: list[RowError]) -> list[Photo]:
    """The photos as stored; every refused one (and too many of them) is added to ``problems``."""
    if len(photos) > settings.max_count:
        problems.append(RowError(1, "photos", gettext("attach at most %(n)s photos to a report",
                                                      n=settings.max_count)))
        return []
    taken = []
    for name, data in photos:
        try:
            taken.append(read_photo(data, name=name, max_bytes=settings.max_bytes,
                                    thumbnail_px=settings.thumbnail_px))
        except PhotoRefused as refused:
            problems.append(RowError(1, "photos", gettext(refused.msg.msgid, **refused.msg.params)))
    return taken


def _holder_of(session: Session, actor: Principal, assignment_id, formation_id: int | None,
               participant_id: int | None, gettext: Gettext) -> tuple[int | None, int | None] | RowError:
    """The formation and individual participant a report on shift ``assignment_id`` is filed for, or
    the problem when there is no such shift or it is not the (limited) actor's own (the same answer
    for both: a leader learns nothing of other formations' shifts)."""
    if isinstance(assignment_id, bool) or not isinstance(assignment_id, int) or not 0 < assignment_id < 2 ** 31:
        return RowError(1, "assignment_id", gettext("the shift must be given by its number"))
    holder = q.assignment_holder(session, assignment_id)
    scope = scope_of(actor)
    mine = holder is not None and (scope.everything or (
        holder.formation_id is not None and holder.formation_id == formation_id) or (
        holder.participant_id is not None and holder.participant_id == scope.participant_id))
    if not mine:
        return RowError(1, "assignment_id", gettext("shift %(id)s is not one of your shifts; a report is "
                                                    "linked only to a shift you hold", id=assignment_id))
    return holder.formation_id, holder.participant_id if participant_id is not None else None


def _shift(row, tz: ZoneInfo) -> dict | None:
    if row.assignment_id is None or row.assignment_shift is None:
        return None
    span = row.assignment_shift
    return {"id": row.assignment_id, "activity": row.assignment_activity,
            "starts_at": span.lower.astimezone(tz).isoformat() if span.lower else None,
            "ends_at": span.upper.astimezone(tz).isoformat() if span.upper else None}


def _dict(row, tz: ZoneInfo, gettext: Gettext) -> dict:
    return {"id": row.id, "category": row.category,
            "category_label": category_labels(gettext).get(row.category, row.category),
            "observed_at": row.observed_at.astimezone(tz).isoformat(),
            "reported_at": row.reported_at.astimezone(tz).isoformat(), "description": row.description,
            "formation_id": row.formation_id, "formation": row.formation, "assignment_id": row.assignment_id,
            "participant_id": row.participant_id, "participant": row.participant, "item": row.item,
            "item_label": report_types(gettext).get(row.item) if row.item else None,
            "reported_by": row.reported_by, "location_source": row.location_source,
            "lon": float(row.lon), "lat": float(row.lat), "shift": _shift(row, tz), "note": report_note(gettext)}


def list_reports(session: Session, viewer: Principal, *, since: datetime | None = None,
                 category: str | None = None, limit: int = 500, gettext: Gettext = plain,
                 timezone_name: str = DEFAULT_TIMEZONE) -> list[dict]:
    """Reports ``viewer`` may see, newest first; ``since`` keeps those reported from then on."""
    if category is not None and category not in {c.value for c in ReportCategory}:
        raise InvalidInput(Message("reports.unknown-category",
                                   N_("unknown category %(category)r"),
                                   category=category))
    tz = ZoneInfo(timezone_name)
    rows = q.report_rows(session, scope_of(viewer), reported_after=since, category=category, limit=limit)
    return [_dict(r, tz, gettext) for r in rows]


def report(session: Session, viewer: Principal, report_id: int, *, gettext: Gettext = plain,
           timezone_name: str = DEFAULT_TIMEZONE) -> dict:
    """One report; NotFound when there is none or ``viewer`` may not see it."""
    rows = q.report_rows(session, scope_of(viewer), ids=[report_id], limit=1)
    if not rows:
        raise NotFound(Message("reports.no-report", N_("no report %(report_id)s"), report_id=report_id))
    photos = [{"id": p.id, "position": p.position, "content_type": p.content_type, "width": p.width,
               "height": p.height} for p in q.photo_rows(session, report_id)]
    return _dict(rows[0], ZoneInfo(timezone_name), gettext) | {"photos": photos}


def report_photo(session: Session, viewer: Principal, report_id: int, photo_id: int, *,
                 thumbnail: bool = False) -> tuple[str, bytes]:
    """``(content type, bytes)`` of a photo of a report ``viewer`` may see (its JPEG thumbnail when
    ``thumbnail``); NotFound otherwise."""
    report(session, viewer, report_id)
    found = q.photo_bytes(session, report_id, photo_id, thumbnail=thumbnail)
    if found is None:
        raise NotFound(Message("reports.no-photo", N_("no photo %(photo_id)s of report %(report_id)s"),
                               photo_id=photo_id, report_id=report_id))
    return ("image/jpeg" if thumbnail else found.content_type), bytes(found.data)


CSV_COLUMNS = ("id", "category", "item", "observed_at", "reported_at", "formation", "participant", "assignment_id",
               "reported_by", "location_source", "lon_epsg4326", "lat_epsg4326", "wkt_epsg4326", "description", "note")


def reports_csv(session: Session, viewer: Principal, *, since: datetime | None = None, gettext: Gettext = plain,
                timezone_name: str = DEFAULT_TIMEZONE) -> str:
    """The reports ``viewer`` may see as CSV: the header first, then one row per report whose ``note``
    says what reports are; the place as lon/lat and as a WKT point, both EPSG:4326 (a GIS reads
    either: GDAL's CSV driver with ``GEOM_POSSIBLE_NAMES=wkt_epsg4326``, QGIS as delimited text)."""
    out = io.StringIO()
    writer = csv.DictWriter(out, CSV_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in list_reports(session, viewer, since=since, limit=100_000, gettext=gettext,
                            timezone_name=timezone_name):
        lon, lat = round(row["lon"], 7), round(row["lat"], 7)
        placed = {"lon_epsg4326": lon, "lat_epsg4326": lat, "wkt_epsg4326": f"POINT ({lon:.7f} {lat:.7f})"}
        writer.writerow({k: _cell(v) for k, v in row.items()} | placed)
    return out.getvalue()


def _cell(value):
    """Text a spreadsheet would run as a formula is quoted with a leading apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def new_reports(session: Session, viewer: Principal, *, days: int = 7, now: datetime | None = None,
                gettext: Gettext = plain, timezone_name: str = DEFAULT_TIMEZONE) -> list[dict]:
    """For a supervisor: reports of the last ``days`` days placed in their unit's jurisdiction, newest first."""
    require(viewer, Role.SUPERVISOR)
    if not 1 <= days <= 366:
        raise InvalidInput(Message("reports.days-between", N_("days must be between 1 and 366")))
    since = (now or datetime.now(timezone.utc)) - timedelta(days=days)
    return list_reports(session, viewer, since=since, gettext=gettext, timezone_name=timezone_name)
