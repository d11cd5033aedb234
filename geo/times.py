"""Reading times given as text: ISO 8601 date-times, a naive one read in a given zone."""
from __future__ import annotations

from datetime import datetime, tzinfo

from .errors import InvalidInput


def aware_moment(value, name: str, zone: tzinfo) -> datetime:
    """An ISO 8601 date-time string as an aware datetime, a naive one in ``zone``; InvalidInput naming
    ``name`` otherwise.

    >>> from zoneinfo import ZoneInfo
    >>> aware_moment("2026-12-05T18:00", "starts_at", ZoneInfo("Asia/Almaty")).isoformat()
    '2026-12-05T18:00:00+05:00'
    """
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be an ISO 8601 date-time string, e.g. 2026-12-05T18:00")
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise InvalidInput(f"{name} is not an ISO 8601 date-time: {value!r}") from None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=zone)
