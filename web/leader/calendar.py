"""A shift holder's shifts as an iCalendar feed (RFC 5545) for a phone calendar, made with the
``icalendar`` package: one VEVENT per shift, its UID stable across fetches (so an update replaces the
event), times in UTC, a cancelled or rejected shift sent as STATUS:CANCELLED so calendars drop it."""
from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone

from flask import url_for
from flask_babel import gettext as _
from icalendar import Calendar, Event

STATUS = {"proposed": "TENTATIVE", "confirmed": "CONFIRMED", "rejected": "CANCELLED", "cancelled": "CANCELLED"}


def _utc(iso: str) -> datetime:
    return datetime.fromisoformat(iso).astimezone(timezone.utc)


def _description(p: dict) -> str:
    lines = [f"{p['activity']} · {p['activity_title']}"]
    officer = p.get("officer")
    if officer:
        lines.append(_("Supervising officer: %(name)s, %(unit)s", name=officer["name"], unit=officer["unit"])
                     + (f", {officer['phone']}" if officer.get("phone") else ""))
    if p.get("members"):
        lines.append(_("Members: %(names)s", names=", ".join(m["name"] for m in p["members"])))
    if p.get("status_reason"):
        lines.append(p["status_reason"])
    return "\n".join(lines)


def shifts_calendar(shown: dict, *, kind: Callable[[str], str]) -> bytes:
    """The calendar of ``services.my_shifts``'s answer (upcoming and past shifts)."""
    holder = shown.get("formation") or shown.get("participant") or {}
    cal = Calendar()
    cal.add("prodid", "-//kuzet//shifts//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", _("kuzet shifts · %(name)s", name=holder.get("name", "")))
    stamp = datetime.now(timezone.utc)
    page = url_for("leader.my_shifts", _external=True)
    for feature in shown["features"]:
        p = feature["properties"]
        event = Event()
        event.add("uid", f"assignment-{p['id']}@kuzet")
        event.add("dtstamp", stamp)
        event.add("dtstart", _utc(p["starts_at"]))
        event.add("dtend", _utc(p["ends_at"]))
        event.add("summary", f"{p['activity']} · {p['target_name']} ({kind(p['target_kind'])})")
        event.add("location", p["target_name"])
        event.add("description", _description(p))
        event.add("status", STATUS.get(p["status"], "TENTATIVE"))
        event.add("url", f"{page}#shift-{p['id']}")
        cal.add_component(event)
    return cal.to_ical()
