"""Reading the report form: text to numbers and an aware time, leaving judgement to the service.

A value that cannot be read becomes None, so the service names it with every other problem at once.
"""
from __future__ import annotations

import math
from datetime import datetime
from zoneinfo import ZoneInfo

from werkzeug.datastructures import MultiDict


def _number(raw: str | None) -> float | None:
    try:
        value = float((raw or "").strip())
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def _moment(raw: str | None, zone: str) -> datetime | None:
    """A ``datetime-local`` value (no offset: local to ``zone``), or an ISO time with an offset."""
    try:
        parsed = datetime.fromisoformat((raw or "").strip())
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else parsed.replace(tzinfo=ZoneInfo(zone))


def _id(raw: str | None) -> int | str | None:
    """A shift's number; text that is not one is passed on, for the service to name."""
    text = (raw or "").strip()
    if not text:
        return None
    return int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else text


def report_values(form: MultiDict, zone: str) -> dict:
    """The keyword arguments of ``submit_report`` from the posted form (photos apart)."""
    return {"category": form.get("category", ""), "lon": _number(form.get("lon")), "lat": _number(form.get("lat")),
            "observed_at": _moment(form.get("observed_at"), zone), "description": form.get("description", ""),
            "location_source": form.get("location_source") or "map", "item": form.get("item") or None,
            "assignment_id": _id(form.get("assignment_id")), "client_key": form.get("client_key") or None}


def report_photos(files: MultiDict, *, limit: int) -> list[tuple[str, bytes]]:
    """``(name, bytes)`` of the photos posted as ``photos`` (an empty file input sends an empty part:
    left out). Reading stops past ``limit`` photos plus one, enough for the service to say so."""
    out = []
    for upload in files.getlist("photos"):
        data = upload.read()
        if not data and not upload.filename:
            continue
        out.append((upload.filename or "", data))
        if len(out) > limit:
            break
    return out


def local_now(zone: str) -> str:
    """Now, as a ``datetime-local`` input shows it."""
    return datetime.now(ZoneInfo(zone)).strftime("%Y-%m-%dT%H:%M")
