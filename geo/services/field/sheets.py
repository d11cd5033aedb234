"""Printable shift sheets: one per assignment, or every live assignment of a day, one per page.

A sheet holds what the briefing hands out on paper: the target on a map drawn from PostGIS (no tiles,
no JavaScript, so the same page prints in a browser and renders to PDF), the shift's times, the
supervising officer and phone, the members and their certificate numbers (or the individual
participant), the activity with its item and the rules that bear on the shift with their citations.

Who sees which sheet is the rule for reading assignments (``geo.access``): planners every one, a
supervisor their unit's, a leader their formation's, an individual participant their own; any other
answers NotFound like an id that does not exist. The day's sheets are for planners and supervisors.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import shapely
from sqlalchemy.orm import Session

from ...access import PLANNERS, SIGNERS, Principal, require
from ...crs import utm_crs_for
from ...db import assignments as qa
from ...db import scopes
from ...db.sheet_maps import MapPart, sheet_map_rows
from ...domain import DEFAULT_TIMEZONE
from ...errors import NotFound
from ...messages import N_, Message
from ...regimes import ActivityType, Citation, get_regime
from ...rules.sheet import Duty, activity_citation, shift_duties
from ...visibility import scope_of
from ..dispatch.day import day_window
from .shifts import shift_features

LIVE = ("proposed", "confirmed")

# The map's frame in SVG pixels (the width of an A4 page inside its margins, 186 mm, by 93 mm),
# how much room around the target, the narrowest frame on the ground and how many streets are named.
MAP_WIDTH_PX, MAP_HEIGHT_PX = 1000.0, 500.0
MAP_PAD = 0.35
MAP_MIN_WIDTH_M = 600.0
MAP_MAX_LABELS = 16


@dataclass(frozen=True)
class SheetMap:
    """The target's map: parts in frame pixels, the scale bar (metres and pixels) and the CRS it is in."""

    width_px: float
    height_px: float
    parts: tuple[MapPart, ...]
    scale_m: int
    scale_px: float
    crs_name: str


@dataclass(frozen=True)
class Sheet:
    """One printed sheet: the assignment as "My shifts" shows it, its map, activity and rules."""

    feature: dict
    map: SheetMap | None
    activity: ActivityType | None
    activity_citation: Citation | None
    duties: tuple[Duty, ...]


def scale_bar_m(width_m: float, *, share: float = 0.25) -> int:
    """A round length (1, 2 or 5 times a power of ten metres) of at most ``share`` of the frame.

    Examples
    --------
    >>> scale_bar_m(2100), scale_bar_m(600), scale_bar_m(48000)
    (500, 100, 10000)
    """
    target = max(width_m * share, 1.0)
    power = 10 ** math.floor(math.log10(target))
    return int(max(step * power for step in (1, 2, 5) if step * power <= target))


def placed_labels(parts: tuple[MapPart, ...], *, width_px: float, height_px: float,
                  char_px: float = 9.5, line_px: float = 18.0) -> tuple[MapPart, ...]:
    """The parts with only the street names that fit: wholly inside the frame and clear of every name
    kept before them (the query lists the longest streets first).

    Examples
    --------
    >>> a, b, edge = (MapPart("label", None, None, n, x, 100.0) for n, x in (("Abai", 400.0), ("Dostyk", 420.0),
    ...                                                                     ("Satpayev", 10.0)))
    >>> [p.name for p in placed_labels((a, b, edge), width_px=1000, height_px=500)]
    ['Abai']
    """
    kept: list[MapPart] = []
    for p in parts:
        if p.part != "label":
            continue
        half = len(p.name) * char_px / 2
        inside = half <= p.x <= width_px - half and line_px <= p.y <= height_px - line_px
        clear = all(abs(p.x - k.x) > half + len(k.name) * char_px / 2 + char_px or abs(p.y - k.y) > line_px
                    for k in kept)
        if inside and clear:
            kept.append(p)
    return tuple(p for p in parts if p.part != "label") + tuple(kept)


def _map(session: Session, geometry: dict | None, lang: str | None, route: dict | None = None) -> SheetMap | None:
    if geometry is None:
        return None
    shape = shapely.geometry.shape(geometry)
    at = shape.representative_point()
    crs = utm_crs_for(at.x, at.y)
    line = start = None
    if route is not None:
        line = shapely.to_wkb(shapely.geometry.shape(route["geometry"]))
        start = shapely.to_wkb(shapely.geometry.shape(route["start"]))
    rows = sheet_map_rows(session, shapely.to_wkb(shape), srid=crs.to_epsg(), width_px=MAP_WIDTH_PX,
                          height_px=MAP_HEIGHT_PX, pad=MAP_PAD, min_width_m=MAP_MIN_WIDTH_M,
                          max_labels=MAP_MAX_LABELS, lang=lang, route_wkb=line, route_start_wkb=start)
    scale_m = scale_bar_m(rows.width_m)
    parts = placed_labels(rows.parts, width_px=MAP_WIDTH_PX, height_px=MAP_HEIGHT_PX)
    return SheetMap(MAP_WIDTH_PX, MAP_HEIGHT_PX, parts, scale_m, scale_m * rows.px_per_m, crs.name)


def _sheets(session: Session, ids: list[int], *, tz: ZoneInfo, locale: str | None) -> list[Sheet]:
    out = []
    for feature in shift_features(session, ids, now=datetime.now(timezone.utc), tz=tz, locale=locale):
        p = feature["properties"]
        regime = get_regime(p["regime"])
        activity = regime.activity(p["activity"])
        duties = shift_duties(regime, activity, target_kind=p["target_kind"],
                              collective_shift=p["formation_id"] is not None)
        out.append(Sheet(feature, _map(session, feature["geometry"], locale, p.get("route")), activity,
                         activity_citation(regime, activity) if activity is not None else None, tuple(duties)))
    return out


def shift_sheet(session: Session, viewer: Principal, assignment_id: int, *,
                timezone_name: str = DEFAULT_TIMEZONE, locale: str | None = None) -> Sheet:
    """The sheet of one assignment ``viewer`` may read; NotFound for any other.

    Examples
    --------
    >>> shift_sheet(session, leader, 12).feature["properties"]["officer"]["phone"]  # doctest: +SKIP
    '+7 727 254 40 02'
    """
    rows = qa.assignment_rows(session, ids=[assignment_id], visible=scopes.assignment_visible(scope_of(viewer)))
    if not rows:
        raise NotFound(Message("not-found.assignment", N_("no assignment %(assignment_id)s"),
                               assignment_id=assignment_id))
    [sheet] = _sheets(session, [assignment_id], tz=ZoneInfo(timezone_name), locale=locale)
    return sheet


def day_sheets(session: Session, viewer: Principal, day: date, *, timezone_name: str = DEFAULT_TIMEZONE,
               locale: str | None = None) -> list[Sheet]:
    """The sheets of every live (proposed or confirmed) assignment overlapping ``day`` (local midnight
    to midnight) that ``viewer`` may read, by shift start: for dispatchers and supervisors."""
    require(viewer, *PLANNERS, *SIGNERS)
    start, end = day_window(day, timezone_name)
    rows = qa.assignment_rows(session, ends_after=start, starts_before=end, statuses=LIVE,
                              visible=scopes.assignment_visible(scope_of(viewer)))
    return _sheets(session, [r.id for r in rows], tz=ZoneInfo(timezone_name), locale=locale)
