"""Reading JSON bodies and query arguments; every problem is an ``InvalidInput`` (400) naming the field.

Times are ISO 8601; a time without an offset is local to the app's ``TIMEZONE`` (Asia/Almaty).
"""
from __future__ import annotations

import math

import json
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import request
from flask_babel import gettext as _
from werkzeug.exceptions import NotFound
from werkzeug.routing import IntegerConverter

from geo.domain import INT_MAX, INT_MIN
from geo.errors import InvalidInput
from geo.messages import N_, Message
from geo.times import aware_moment, within_years

from ..config import zone_name

MISSING = object()
# Every whole number the API reads fits PostgreSQL's integer (int4): ids, offsets, limits, counts.
# Deepest nesting of arrays and objects a body may have (a GeoJSON polygon in an area needs 6).
MAX_JSON_DEPTH = 32


class IdConverter(IntegerConverter):
    """Flask's ``int`` converter bounded to PostgreSQL's integer: a larger path id names nothing (404,
    whatever the method; a failed match would make werkzeug answer 405 for some)."""

    def to_python(self, value: str) -> int:
        number = super().to_python(value)
        if number > INT_MAX:
            raise NotFound()
        return number


def _depth(value) -> int:
    """How deeply arrays and objects nest in a parsed JSON value (a scalar is 0), without recursion."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else None
        if children is None:
            continue
        deepest = max(deepest, level)
        if deepest > MAX_JSON_DEPTH:
            break
        stack.extend((child, level + 1) for child in children)
    return deepest


def parsed_json(raw: str | bytes, what: str):
    """``raw`` parsed as JSON nested at most MAX_JSON_DEPTH levels; InvalidInput naming ``what`` otherwise."""
    too_deep = _("%(what)s nests arrays and objects more than %(depth)d levels deep", what=what,
                 depth=MAX_JSON_DEPTH)
    try:
        value = json.loads(raw)
    except RecursionError:  # nested far deeper than MAX_JSON_DEPTH
        raise InvalidInput(too_deep) from None
    except ValueError:
        raise InvalidInput(Message("web.bodies.not-valid-json",
                                   N_("%(what)s is not valid JSON"), what=what)) from None
    if _depth(value) > MAX_JSON_DEPTH:
        raise InvalidInput(too_deep)
    return value


def json_object() -> dict:
    """The request body as a JSON object, sent as ``application/json``.

    Insisting on the media type keeps cross-site HTML forms (which cannot send it) from writing.
    """
    if not request.get_data(cache=True):
        raise InvalidInput(Message("web.bodies.json-object-required",
                                   N_("a JSON object is required as the request body")))
    if not request.is_json:
        raise InvalidInput(Message("web.bodies.request-body-sent",
                                   N_("the request body must be sent as Content-Type: application/json")))
    body = parsed_json(request.get_data(cache=True), _("the request body"))
    if not isinstance(body, dict):
        raise InvalidInput(Message("web.bodies.request-body-json", N_("the request body must be a JSON object")))
    return body


def local_zone() -> ZoneInfo:
    return ZoneInfo(zone_name())


def moment(value, name: str) -> datetime:
    """An ISO 8601 date-time; naive ones are local to the app's time zone."""
    return aware_moment(value, name, local_zone())


def integer(value, name: str, *, low: int = INT_MIN) -> int:
    """A whole number from ``low`` to ``INT_MAX`` (booleans are not numbers)."""
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidInput(Message("request.whole-number", N_("%(name)s must be a whole number"), name=name))
    if not low <= value <= INT_MAX:
        raise InvalidInput(Message("web.bodies.whole-number-range",
                                   N_("%(name)s must be a whole number from %(low)d to %(high)d, got %(value)d"),
                                   name=name, low=low, high=INT_MAX, value=value))
    return value


def count(value, name: str) -> int:
    """A whole number from 0 (an offset or limit)."""
    return integer(value, name, low=0)


def text(value, name: str) -> str:
    if not isinstance(value, str):
        raise InvalidInput(Message("options.string", N_("%(name)s must be a string"), name=name))
    return value


def integers(value, name: str) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise InvalidInput(Message("web.bodies.list-whole-numbers",
                                   N_("%(name)s must be a list of whole numbers"),
                                   name=name))
    return tuple(integer(v, f"{name}[{i}]") for i, v in enumerate(value))


def number(value, name: str) -> float:
    """A finite number (a query argument arrives as text)."""
    try:
        out = float(value)
    except (TypeError, ValueError):
        out = float("nan")
    if isinstance(value, bool) or not math.isfinite(out):
        raise InvalidInput(Message("web.bodies.number", N_("%(name)s must be a number, got %(value)r"),
                                   name=name, value=value))
    return out


def anything(value, name: str):
    """Passed on as is: the service validates it (a GeoJSON geometry, say)."""
    return value


def period(value, name: str) -> dict:
    """``{"starts_at": ..., "ends_at": ...}``; ``ends_at`` may be absent or null (open-ended)."""
    if not isinstance(value, dict):
        raise InvalidInput(Message("web.bodies.object-starts-ends",
                                   N_("%(name)s must be an object {starts_at, ends_at}"),
                                   name=name))
    out = fields(value, {"starts_at": "moment", "ends_at": "moment"}, required=("starts_at",),
                 nullable=("ends_at",))
    return {"starts_at": out["starts_at"], "ends_at": out.get("ends_at")}


READERS = {"int": integer, "count": count, "moment": moment, "text": text, "ints": integers, "any": anything, "number": number, "period": period}


def known(body: dict, names, *, required: tuple[str, ...] = ()) -> dict:
    """``body`` itself when it holds only fields of ``names`` and every ``required`` one (not null);
    unknown or missing ones listed otherwise."""
    unknown = sorted(set(body) - set(names))
    if unknown:
        raise InvalidInput(Message("web.bodies.unknown-field-fields",
                                   N_("unknown field(s): %(unknown)s; fields are: %(names)s"),
                                   unknown=', '.join(unknown), names=', '.join(names)))
    missing = [name for name in required if body.get(name) is None]
    if missing:
        raise InvalidInput(Message("web.bodies.missing-field",
                                   N_("missing field(s): %(missing)s"),
                                   missing=', '.join(missing)))
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


def flag(name: str) -> bool:
    """A yes/no query argument: ``true`` or ``false`` (any case); absent or empty is false."""
    raw = (request.args.get(name) or "").strip().lower()
    if raw not in ("", "true", "false"):
        raise InvalidInput(Message("web.bodies.true-false-got",
                                   N_("%(name)s must be true or false, got %(raw)r"),
                                   name=name, raw=request.args[name]))
    return raw == "true"


def arg(name: str, kind: str, *, required: bool = False):
    """A query argument read like a body field; absent or empty gives None unless required."""
    raw = request.args.get(name)
    if raw is None or raw.strip() == "":
        if required:
            raise InvalidInput(Message("web.bodies.query-argument-required",
                                       N_("query argument %(name)s is required"),
                                       name=name))
        return None
    if kind in ("int", "count"):
        try:
            number = int(raw)
        except ValueError:
            raise InvalidInput(Message("web.bodies.whole-number-got",
                                       N_("%(name)s must be a whole number, got %(raw)r"),
                                       name=name, raw=raw)) from None
        return READERS[kind](number, name)
    if kind == "date":
        try:
            day = date.fromisoformat(raw.strip())
        except ValueError:
            raise InvalidInput(Message("web.bodies.date-yyyy-mm",
                                       N_("%(name)s must be a date YYYY-MM-DD, got %(raw)r"),
                                       name=name, raw=raw)) from None
        return within_years(day, name)
    return READERS[kind](raw, name)
