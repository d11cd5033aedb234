"""Dates, times and numbers as a reader of the page's locale writes them, in the regime's time zone.

Only pages use these (Jinja filters ``datetime``, ``date``, ``time``, ``number``, and the functions
for views); the API, exports and CSV keep machine formats (ISO 8601, dot decimals). Time is always
24-hour and the day comes first, in every language.

The moments are turned into the regime's zone (``settings().timezone``: Asia/Almaty by default) here,
not by Flask-Babel's own time zone (UTC unless configured), so a page never prints a UTC time.
"""
from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

from babel import dates
from flask import Flask
from flask_babel import format_decimal, get_locale

from .config import settings

# Day first and 24-hour time whatever the language's habit (CLDR's English puts the month first and
# counts 12 hours); a language without an entry here uses its CLDR medium date.
DATE_PATTERNS = {"ru": "dd.MM.y", "kk": "dd.MM.y", "en": "d MMM y"}
# A day of a known year (a chart's ticks): day first too.
SHORT_DATE_PATTERNS = {"ru": "dd.MM", "kk": "dd.MM", "en": "d MMM"}
TIME_PATTERN = "HH:mm"
MISSING = "–"


def reader_locale() -> str:
    """The reader's locale as a plain code (``"kk"``), what geo/ is handed to name places with."""
    return str(get_locale())


def _zone() -> ZoneInfo:
    return ZoneInfo(settings().timezone)


def _date_pattern() -> str:
    locale = get_locale()
    return DATE_PATTERNS.get(locale.language, dates.get_date_format("medium", locale=locale).pattern)


def _moment(value) -> datetime | None:
    """An aware datetime in the regime's zone from a datetime or ISO text (naive means UTC)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return value.astimezone(_zone())


def format_moment(value, *, seconds: bool = False) -> str:
    """A moment (datetime or ISO text) as the reader writes it, in the regime's zone: 02.12.2026 19:39."""
    moment = _moment(value)
    if moment is None:
        return MISSING
    pattern = f"{_date_pattern()} {TIME_PATTERN}{':ss' if seconds else ''}"
    return dates.format_datetime(moment, pattern, tzinfo=_zone(), locale=get_locale())


def format_day(value) -> str:
    """A day (a date, or a moment turned into the regime's zone) as the reader writes it."""
    if value is None or value == "":
        return MISSING
    if isinstance(value, str):
        value = date.fromisoformat(value[:10]) if len(value.strip()) == 10 else _moment(value)
    if isinstance(value, datetime):
        value = _moment(value).date()
    return dates.format_date(value, _date_pattern(), locale=get_locale())


def format_day_of_year(value) -> str:
    """A day without its year (a chart's tick, the year said elsewhere): 14.02 in ru, 14 Feb in en."""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    locale = get_locale()
    pattern = SHORT_DATE_PATTERNS.get(locale.language, dates.get_date_format("short", locale=locale).pattern)
    return dates.format_date(value, pattern, locale=locale)


def format_clock(value) -> str:
    """A time of day, 24-hour (19:39): a ``time`` as it is, a moment in the regime's zone."""
    if value is None or value == "":
        return MISSING
    if not isinstance(value, time):
        value = _moment(value)
    return dates.format_time(value, TIME_PATTERN, locale=get_locale())


def format_number(value, digits: int = 0) -> str:
    """A number with ``digits`` decimals and the locale's separators (1 234,5 in ru; 1,234.5 in en)."""
    if value is None or value == "" or (isinstance(value, float) and value != value):
        return MISSING
    pattern = "#,##0" + ("." + "0" * digits if digits > 0 else "")
    return format_decimal(value, format=pattern)


def format_scientific(value, digits: int = 1) -> str:
    """A small number as 1,2E-05 (the locale's decimal sign)."""
    return format_decimal(value, format="0." + "0" * digits + "E00")


def init_app(app: Flask) -> None:
    app.add_template_filter(format_moment, "datetime")
    app.add_template_filter(format_day, "date")
    app.add_template_filter(format_clock, "time")
    app.add_template_filter(format_number, "number")
