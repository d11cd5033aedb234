"""A shift holder's notifications (what changed, on which shift) and their e-mail address."""
from __future__ import annotations

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from email_validator import EmailNotValidError, validate_email
from sqlalchemy.orm import Session

from ...access import SHIFT_HOLDERS, Principal, require
from ...db import assignments as qa
from ...db import notifications as q
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import InvalidInput, NotFound
from ...messages import N_, Message
from ..accountability.audit import record

# The kinds the history writes (geo.db.assignment_writes): its action, the new status for a decision.
KINDS = ("create", "update", "confirmed", "rejected", "cancelled")


def _iso(value: str | None, tz: ZoneInfo) -> str | None:
    return datetime.fromisoformat(value).astimezone(tz).isoformat() if value else None


def shift_facts(session: Session, assignment_ids: list[int], *, locale: str | None) -> dict[int, dict]:
    """What a notification names of each shift: target (in ``locale``'s language), activity, officer."""
    rows = qa.assignment_rows(session, ids=assignment_ids, locale=locale) if assignment_ids else []
    return {r.id: {"target_name": r.target_name, "target_kind": r.target_kind, "activity": r.activity,
                   "officer": r.officer_name, "officer_id": r.officer_id, "status": r.status,
                   "formation": r.formation_name, "participant": r.participant_name} for r in rows}


def notification_list(session: Session, viewer: Principal, *, limit: int = 30, timezone_name: str = DEFAULT_TIMEZONE,
                      locale: str | None = None) -> dict:
    """The viewer's latest notifications (newest first) and how many are unread.

    Examples
    --------
    >>> notification_list(session, leader)["unread"]  # doctest: +SKIP
    2
    """
    require(viewer, *SHIFT_HOLDERS)
    tz = ZoneInfo(timezone_name)
    found = q.notifications(session, viewer.user_id, limit=limit)
    facts = shift_facts(session, sorted({n.assignment_id for n in found}), locale=locale)
    items = []
    for n in found:
        shift = n.params.get("shift") or [None, None]
        before = n.params.get("before_shift") or [None, None]
        moved = n.kind == "update" and before != shift and before[0] is not None
        items.append({"id": n.id, "kind": n.kind if n.kind in KINDS else "update", "assignment_id": n.assignment_id,
                      "created_at": n.created_at.astimezone(tz).isoformat(), "read": n.read_at is not None,
                      "starts_at": _iso(shift[0], tz), "ends_at": _iso(shift[1], tz),
                      "before_starts_at": _iso(before[0], tz) if moved else None,
                      "before_ends_at": _iso(before[1], tz) if moved else None,
                      "reason": n.params.get("reason"), **facts.get(n.assignment_id, {})})
    return {"unread": q.unread_count(session, viewer.user_id), "items": items}


def unread_notifications(session: Session, viewer: Principal | None) -> int:
    """How many of the viewer's notifications are unread (0 for anyone who holds no shifts)."""
    if viewer is None or viewer.user_id is None or not any(r in viewer.roles for r in SHIFT_HOLDERS):
        return 0
    return q.unread_count(session, viewer.user_id)


def mark_notifications_read(session: Session, viewer: Principal, notification_id: int | None = None, *,
                            now: datetime | None = None) -> int:
    """Mark one of the viewer's notifications read (NotFound for anyone else's), or all of them; how
    many were unread. Marking again changes nothing."""
    require(viewer, *SHIFT_HOLDERS)
    if notification_id is not None and q.notification_of(session, viewer.user_id, notification_id) is None:
        raise NotFound(Message("not-found.notification", N_("no notification %(notification_id)s"),
                               notification_id=notification_id))
    return q.mark_read(session, viewer.user_id, at=now or datetime.now(timezone.utc), notification_id=notification_id)


def normalise_email(raw: str | None) -> str | None:
    """An e-mail address as stored (the domain lower-cased, IDNA), None for a blank one; InvalidInput
    with the reason for one that is not an address. Nothing is looked up on the network."""
    text = (raw or "").strip()
    if not text:
        return None
    try:
        return validate_email(text, check_deliverability=False, allow_smtputf8=False).normalized
    except EmailNotValidError:
        raise InvalidInput(Message("account.email-invalid",
                                   N_("%(email)s is not an e-mail address (write it as name@example.kz)"),
                                   email=text)) from None


def account_email(session: Session, viewer: Principal) -> str | None:
    """The address the viewer's notifications are e-mailed to (None: none)."""
    return q.email_of(session, viewer.user_id) if viewer.user_id is not None else None


def set_my_email(session: Session, viewer: Principal, raw: str | None) -> str | None:
    """The shift holder sets (or, blank, removes) the address their notifications are e-mailed to."""
    require(viewer, *SHIFT_HOLDERS)
    return _set_email(session, viewer, viewer.user_id, raw)


def set_account_email(session: Session, actor: Principal, login: str, raw: str | None) -> str | None:
    """An administrator sets (or removes) an account's e-mail address."""
    require(actor, Role.ADMIN)
    user_id = q.user_id_of_login(session, login.strip().lower())
    if user_id is None:
        raise NotFound(Message("accounts.no-user", N_("no user %(login)r"), login=login))
    return _set_email(session, actor, user_id, raw)


def _set_email(session: Session, actor: Principal, user_id: int, raw: str | None) -> str | None:
    email = normalise_email(raw)
    before = q.email_of(session, user_id)
    if email != before:
        q.set_email(session, user_id, email)
        record(session, actor, "update", "user_account", user_id, {"email": before}, {"email": email})
    return email
