"""The e-mail outbox: due rows are claimed one at a time (``FOR UPDATE SKIP LOCKED``, so any number
of senders in any number of processes never send a row twice), handed to ``send`` and marked sent,
or failed with the error and retried later with a doubling wait, up to the attempts allowed."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from ...access import Principal, require
from ...db import my_shifts as qs
from ...db import notifications as q
from ...domain import DEFAULT_TIMEZONE, Role
from ...settings import MailSettings
from .inbox import KINDS, _iso, shift_facts


@dataclass(frozen=True)
class OutgoingMail:
    """One e-mail to compose and send: the recipient, their language, and what happened to which shift
    (times as ISO text in the regime's zone)."""

    outbox_id: int
    to: str
    name: str
    locale: str
    kind: str
    assignment_id: int
    target_name: str | None
    target_kind: str | None
    activity: str | None
    starts_at: str | None
    ends_at: str | None
    before_starts_at: str | None
    before_ends_at: str | None
    reason: str | None
    officer: str | None
    officer_phone: str | None


@dataclass(frozen=True)
class DeliveryCount:
    sent: int = 0
    failed: int = 0


def _outgoing(session: Session, row, *, tz: ZoneInfo, default_locale: str) -> OutgoingMail:
    locale = row.locale or default_locale
    facts = shift_facts(session, [row.assignment_id], locale=locale).get(row.assignment_id, {})
    officer_id = facts.get("officer_id")
    card = qs.officer_cards(session, [officer_id]).get(officer_id) if officer_id is not None else None
    shift = row.params.get("shift") or [None, None]
    before = row.params.get("before_shift") or [None, None]
    moved = row.kind == "update" and before[0] is not None and before != shift
    return OutgoingMail(outbox_id=row.id, to=row.to_address, name=row.full_name, locale=locale,
                        kind=row.kind if row.kind in KINDS else "update", assignment_id=row.assignment_id,
                        target_name=facts.get("target_name"), target_kind=facts.get("target_kind"),
                        activity=facts.get("activity"), starts_at=_iso(shift[0], tz), ends_at=_iso(shift[1], tz),
                        before_starts_at=_iso(before[0], tz) if moved else None,
                        before_ends_at=_iso(before[1], tz) if moved else None, reason=row.params.get("reason"),
                        officer=card.name if card else None, officer_phone=card.phone if card else None)


def deliver_due(open_session: Callable[[], Session], send: Callable[[OutgoingMail], None], *,
                settings: MailSettings, timezone_name: str = DEFAULT_TIMEZONE, default_locale: str = "ru",
                now: Callable[[], datetime] | None = None, limit: int = 100) -> DeliveryCount:
    """Send up to ``limit`` due e-mails, each in a transaction of its own: claimed, sent, marked.

    ``send`` raises ``OSError`` (``smtplib``'s errors are ``OSError``s) when the e-mail is not
    accepted; the row keeps the error and is tried again after ``retry_base_s`` × 2^(attempts − 1).
    A row is locked while it is sent, so a second sender skips it and a crash leaves it due.

    Examples
    --------
    >>> deliver_due(sessionmaker(engine), smtp_sender(mail_settings), settings=mail_settings)  # doctest: +SKIP
    DeliveryCount(sent=2, failed=0)
    """
    clock = now or (lambda: datetime.now(timezone.utc))
    tz = ZoneInfo(timezone_name)
    sent = failed = 0
    tried: list[int] = []  # a pass tries a row once, however short the wait after a failure
    for _ in range(limit):
        session = open_session()
        try:
            with session.begin():
                moment = clock()
                row = q.claim_due(session, now=moment, max_attempts=settings.max_attempts,
                                  max_age=timedelta(hours=settings.max_age_h), skip=tried)
                if row is None:
                    break
                tried.append(row.id)
                mail = _outgoing(session, row, tz=tz, default_locale=default_locale)
                try:
                    send(mail)
                except OSError as exc:
                    wait = timedelta(seconds=settings.retry_base_s * 2 ** row.attempts)
                    error = " ".join(str(exc).split()) or type(exc).__name__
                    q.mark_failed(session, row.id, at=moment, error=f"{type(exc).__name__}: {error}"[:500],
                                  retry_at=moment + wait)
                    failed += 1
                else:
                    q.mark_sent(session, row.id, at=moment)
                    sent += 1
        finally:
            session.close()
    return DeliveryCount(sent=sent, failed=failed)


def undelivered_mail(session: Session, viewer: Principal, *, max_attempts: int, limit: int = 20,
                     timezone_name: str = DEFAULT_TIMEZONE) -> list[dict]:
    """E-mails that failed and are not sent, for the assignments the dispatcher made (an admin: all),
    with the last error, the attempts made and whether they will be tried again."""
    require(viewer, Role.DISPATCHER)
    tz = ZoneInfo(timezone_name)
    mine = None if Role.ADMIN in viewer.roles else viewer.actor
    return [{"id": r.id, "to": r.to_address, "login": r.login, "assignment_id": r.assignment_id, "kind": r.kind,
             "attempts": r.attempts, "error": r.last_error,
             "last_attempt_at": r.last_attempt_at.astimezone(tz).isoformat() if r.last_attempt_at else None,
             "next_attempt_at": (r.next_attempt_at.astimezone(tz).isoformat() if r.attempts < max_attempts else None)}
            for r in q.undelivered(session, created_by=mine, limit=limit)]
