"""What a shift notification says, in the reader's language (the page, the API and the e-mail alike):
one headline per kind of change, naming the target and the shift's start."""
from __future__ import annotations

from flask_babel import gettext as _

from .formats import format_moment


def headline(kind: str, *, target: str | None, start: str | None) -> str:
    """"Shift confirmed: Green Bazaar, 05.12.2026 18:00" (the start in the regime's zone)."""
    target, start = target or "…", format_moment(start) if start else "…"
    if kind == "create":
        return _("New shift proposed: %(target)s, %(start)s", target=target, start=start)
    if kind == "confirmed":
        return _("Shift confirmed: %(target)s, %(start)s", target=target, start=start)
    if kind == "rejected":
        return _("Shift rejected: %(target)s, %(start)s", target=target, start=start)
    if kind == "cancelled":
        return _("Shift cancelled: %(target)s, %(start)s", target=target, start=start)
    return _("Shift changed: %(target)s, %(start)s", target=target, start=start)


def with_headlines(shown: dict) -> dict:
    """``services.notification_list``'s answer with each item's headline."""
    for item in shown["items"]:
        item["headline"] = headline(item["kind"], target=item.get("target_name"), start=item.get("starts_at"))
    return shown
