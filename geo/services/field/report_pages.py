"""Field reports a page at a time: newest first, each page read from where the last one stopped.

A page's ``next_cursor`` names its last report (when it was reported and its id); the next page
holds the reports after it in the same order, so a report filed meanwhile never shifts one page's
rows onto the next (keyset paging, not an offset). The page also gives the extent of every report
its filter admits, so a map drawn from the field-report tiles opens on them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ...access import Principal, require
from ...db import reports as q
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import InvalidInput
from ...rules.messages import Gettext, plain
from ...visibility import scope_of
from .reports import _dict

MAX_PAGE_SIZE = 200
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
MICROSECOND = timedelta(microseconds=1)


@dataclass(frozen=True)
class ReportPage:
    """One page of reports (newest first), the cursor of the next (None on the last page), the
    ``since`` the list was filtered with, and the lon/lat extent of every report the filter admits."""

    reports: list[dict]
    next_cursor: str | None
    since: datetime | None
    bounds: tuple[float, float, float, float] | None


def _cursor(reported_at: datetime, report_id: int) -> str:
    """``<microseconds since 1970 UTC>.<id>``: exact, and plain in a URL."""
    return f"{(reported_at - EPOCH) // MICROSECOND}.{report_id}"


def _position(cursor: str, gettext: Gettext) -> tuple[datetime, int]:
    stamp, dot, report_id = cursor.strip().partition(".")
    if not (dot and stamp.isascii() and stamp.isdigit() and report_id.isascii() and report_id.isdigit()
            and len(stamp) <= 18 and len(report_id) <= 18):
        raise InvalidInput(gettext("the page cursor %(cursor)r is not one a page of reports gave; "
                                   "start again from the first page", cursor=cursor[:40]))
    try:
        return EPOCH + int(stamp) * MICROSECOND, int(report_id)
    except OverflowError:
        raise InvalidInput(gettext("the page cursor %(cursor)r is not one a page of reports gave; "
                                   "start again from the first page", cursor=cursor[:40])) from None


def report_page(session: Session, viewer: Principal, *, size: int, cursor: str | None = None,
                since: datetime | None = None, gettext: Gettext = plain,
                timezone_name: str = DEFAULT_TIMEZONE) -> ReportPage:
    """Up to ``size`` reports ``viewer`` may see, newest first, after ``cursor`` (a page's
    ``next_cursor``), reported from ``since`` on.

    Raises ``InvalidInput`` for a size outside 1..MAX_PAGE_SIZE or a cursor no page gave.
    """
    if isinstance(size, bool) or not isinstance(size, int) or not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidInput(gettext("the page size must be a whole number from 1 to %(n)s", n=MAX_PAGE_SIZE))
    before = _position(cursor, gettext) if cursor else None
    scope = scope_of(viewer)
    rows = q.report_rows(session, scope, reported_after=since, before=before, limit=size + 1)
    more = len(rows) > size
    rows = rows[:size]
    tz = ZoneInfo(timezone_name)
    return ReportPage(reports=[_dict(r, tz, gettext) for r in rows],
                      next_cursor=_cursor(rows[-1].reported_at, rows[-1].id) if more else None,
                      since=since, bounds=q.report_extent(session, scope, reported_after=since))


def new_report_page(session: Session, viewer: Principal, *, days: int, size: int, cursor: str | None = None,
                    now: datetime | None = None, gettext: Gettext = plain,
                    timezone_name: str = DEFAULT_TIMEZONE) -> ReportPage:
    """For a supervisor: a page of the reports of the last ``days`` days in their unit's jurisdiction.

    The start is taken to the whole minute, so the tiles of the page's map (filtered by the same
    ``since``) stay cached for a minute and hold the same reports as the list.
    """
    require(viewer, Role.SUPERVISOR)
    if isinstance(days, bool) or not isinstance(days, int) or not 1 <= days <= 366:
        raise InvalidInput(gettext("days must be between 1 and 366"))
    since = ((now or datetime.now(timezone.utc)) - timedelta(days=days)).replace(second=0, microsecond=0)
    return report_page(session, viewer, size=size, cursor=cursor, since=since, gettext=gettext,
                       timezone_name=timezone_name)
