"""Reading times given as text: ISO 8601 date-times, a naive one read in a given zone."""
from __future__ import annotations

from datetime import date, datetime, tzinfo

from .errors import InvalidInput
from .messages import N_, Message

# Times kuzet reads lie in these years: inside PostgreSQL's, Python's and pandas' ranges (pandas
# stops in 1677 and 2262), so no date arithmetic on them overflows.
EARLIEST_YEAR, LATEST_YEAR = 1900, 2199


def within_years(value: date, name: str):
    """``value`` (a date or datetime) when its year lies in EARLIEST_YEAR..LATEST_YEAR; InvalidInput otherwise."""
    if not EARLIEST_YEAR <= value.year <= LATEST_YEAR:
        raise InvalidInput(Message("times.lie-years-got",
                                   N_("%(name)s must lie in the years %(EARLIEST_YEAR)s to %(LATEST_YEAR)s, got "
                                      "%(isoformat)s"),
                                   name=name, EARLIEST_YEAR=EARLIEST_YEAR, LATEST_YEAR=LATEST_YEAR,
                                   isoformat=value.isoformat()))
    return value


def aware_moment(value, name: str, zone: tzinfo) -> datetime:
    """An ISO 8601 date-time string as an aware datetime, a naive one in ``zone``; InvalidInput naming
    ``name`` otherwise.

    >>> from zoneinfo import ZoneInfo
    >>> aware_moment("2026-12-05T18:00", "starts_at", ZoneInfo("Asia/Almaty")).isoformat()
    '2026-12-05T18:00:00+05:00'
    """
    if not isinstance(value, str):
        raise InvalidInput(Message("times.iso-date-time",
                                   N_("%(name)s must be an ISO 8601 date-time string, e.g. 2026-12-05T18:00"),
                                   name=name))
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(Message("times.not-iso-date-time",
                                   N_("%(name)s is not an ISO 8601 date-time: %(value)r"),
                                   name=name, value=value)) from None
    return within_years(parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone), name)
