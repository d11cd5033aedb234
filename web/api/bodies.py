"""Reading JSON bodies and query arguments; every problem is an ``InvalidInput`` (400) naming the field.

Times are ISO 8601; a time without an offset is local to the app's ``TIMEZONE`` (Asia/Almaty).
"""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import request

from geo.errors import InvalidInput
from geo.times import aware_moment

from ..config import zone_name

MISSING = object()


def json_object() -> dict:
    """The request body as a JSON object, sent as ``application/json``.

    Insisting on the media type keeps cross-site HTML forms (which cannot send it) from writing.
    """
    if not request.get_data(cache=True):
        raise InvalidInput("a JSON object is required as the request body")
    if not request.is_json:
        raise InvalidInput("the request body must be sent as Content-Type: application/json")
    body = request.get_json(silent=True)
    if body is None:
        raise InvalidInput("the request body is not valid JSON")
    if not isinstance(body, dict):
        raise InvalidInput("the request body must be a JSON object")
    return body


def local_zone() -> ZoneInfo:
    return ZoneInfo(zone_name())


def moment(value, name: str) -> datetime:
    """An ISO 8601 date-time; naive ones are local to the app's time zone."""
    return aware_moment(value, name, local_zone())


def integer(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(f"{name} must be a whole number")
    return value


def text(value, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(f"{name} must be a string")
    return value


def integers(value, name: str) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise InvalidInput(f"{name} must be a list of whole numbers")
    return tuple(integer(v, f"{name}[{i}]") for i, v in enumerate(value))


def anything(value, name: str):
    """Passed on as is: the service validates it (a GeoJSON geometry, say)."""
    return value


def period(value, name: str) -> dict:
    """``{"starts_at": ..., "ends_at": ...}``; ``ends_at`` may be absent or null (open-ended)."""
    if not isinstance(value, dict):
        raise InvalidInput(f"{name} must be an object {{starts_at, ends_at}}")
    out = fields(value, {"starts_at": "moment", "ends_at": "moment"}, required=("starts_at",),
                 nullable=("ends_at",))
    return {"starts_at": out["starts_at"], "ends_at": out.get("ends_at")}


READERS = {"int": integer, "moment": moment, "text": text, "ints": integers, "any": anything, "period": period}


def known(body: dict, names, *, required: tuple[str, ...] = ()) -> dict:
    """``body`` itself when it holds only fields of ``names`` and every ``required`` one (not null);
    unknown or missing ones listed otherwise."""
    unknown = sorted(set(body) - set(names))
    if unknown:
        raise InvalidInput(f"unknown field(s): {', '.join(unknown)}; fields are: {', '.join(names)}")
    missing = [name for name in required if body.get(name) is None]
    if missing:
        raise InvalidInput(f"missing field(s): {', '.join(missing)}")
    return body


def fields(body: dict, spec: dict[str, str], *, required: tuple[str, ...] = (), nullable: tuple[str, ...] = ()):
    """The fields of ``spec`` (name → reader) present in ``body``, read; unknown or missing ones listed."""
    known(body, spec, required=required)
    out = {}
    for name, kind in spec.items():
        value = body.get(name, MISSING)
        if value is MISSING:
            continue
        out[name] = None if value is None and name in nullable else READERS[kind](value, name)
    return out


def arg(name: str, kind: str, *, required: bool = False):
    """A query argument read like a body field; absent or empty gives None unless required."""
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        if required:
            raise InvalidInput(f"query argument {name} is required")
        return None
    if kind == "int":
        try:
            return int(raw)
        except ValueError:
            raise InvalidInput(f"{name} must be a whole number, got {raw!r}") from None
    if kind == "date":
        try:
            return date.fromisoformat(raw.strip())
        except ValueError:
            raise InvalidInput(f"{name} must be a date YYYY-MM-DD, got {raw!r}") from None
    return READERS[kind](raw, name)
