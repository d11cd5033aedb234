"""Queries and writes of shift notifications, their e-mail outbox and accounts' e-mail addresses.

The notifications and outbox rows themselves are written by the trigger on ``assignment_history``
(migration 0026), in the transaction of the change.
"""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import Row, and_, func, select, update
from sqlalchemy.orm import Session

from .models import Assignment, MailOutbox, Notification, UserAccount


def notifications(session: Session, user_id: int, *, limit: int) -> list[Notification]:
    """The user's latest notifications, newest first."""
    return list(session.scalars(select(Notification).where(Notification.user_id == user_id)
                                .order_by(Notification.created_at.desc(), Notification.id.desc()).limit(limit)))


def unread_count(session: Session, user_id: int) -> int:
    return session.scalar(select(func.count()).select_from(Notification)
                          .where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def mark_read(session: Session, user_id: int, *, at: datetime, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications (or all of them) read; how many were unread."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return session.execute(stmt.values(read_at=at)).rowcount


def notification_of(session: Session, user_id: int, notification_id: int) -> Notification | None:
    return session.scalar(select(Notification).where(Notification.id == notification_id,
                                                     Notification.user_id == user_id))


def set_email(session: Session, user_id: int, email: str | None) -> None:
    session.execute(update(UserAccount).where(UserAccount.id == user_id).values(email=email))


def email_of(session: Session, user_id: int) -> str | None:
    return session.scalar(select(UserAccount.email).where(UserAccount.id == user_id))


def user_id_of_login(session: Session, login: str) -> int | None:
    return session.scalar(select(UserAccount.id).where(UserAccount.login == login))


def claim_due(session: Session, *, now: datetime, max_attempts: int, max_age: timedelta,
              skip: Sequence[int] = ()) -> Row | None:
    """One due outbox row with its notification and recipient, locked for this transaction; rows another
    sender holds are skipped (``FOR UPDATE SKIP LOCKED``), so several senders never send one twice;
    so are the ``skip`` ids (those this pass has tried already)."""
    stmt = (select(MailOutbox.id, MailOutbox.to_address, MailOutbox.attempts, Notification.id.label("notification_id"),
                   Notification.kind, Notification.params, Notification.assignment_id,
                   UserAccount.full_name, UserAccount.locale)
            .join(Notification, Notification.id == MailOutbox.notification_id)
            .join(UserAccount, UserAccount.id == Notification.user_id)
            .where(MailOutbox.sent_at.is_(None), MailOutbox.attempts < max_attempts,
                   MailOutbox.next_attempt_at <= now, MailOutbox.created_at > now - max_age,
                   MailOutbox.id.not_in(list(skip)))
            .order_by(MailOutbox.next_attempt_at, MailOutbox.id)
            .limit(1).with_for_update(of=MailOutbox, skip_locked=True))
    return session.execute(stmt).first()


def mark_sent(session: Session, outbox_id: int, *, at: datetime) -> None:
    session.execute(update(MailOutbox).where(MailOutbox.id == outbox_id)
                    .values(sent_at=at, attempts=MailOutbox.attempts + 1, last_attempt_at=at))


def mark_failed(session: Session, outbox_id: int, *, at: datetime, error: str, retry_at: datetime) -> None:
    session.execute(update(MailOutbox).where(MailOutbox.id == outbox_id)
                    .values(attempts=MailOutbox.attempts + 1, last_attempt_at=at, last_error=error,
                            next_attempt_at=retry_at))


def undelivered(session: Session, *, created_by: str | None, limit: int) -> list[Row]:
    """Outbox rows that failed at least once and are not sent, newest failure first: for the
    assignments ``created_by`` made (None: everyone's)."""
    stmt = (select(MailOutbox.id, MailOutbox.to_address, MailOutbox.attempts, MailOutbox.last_error,
                   MailOutbox.last_attempt_at, MailOutbox.next_attempt_at, Notification.assignment_id,
                   Notification.kind, UserAccount.login)
            .join(Notification, Notification.id == MailOutbox.notification_id)
            .join(UserAccount, UserAccount.id == Notification.user_id)
            .join(Assignment, Assignment.id == Notification.assignment_id)
            .where(MailOutbox.sent_at.is_(None), MailOutbox.attempts > 0,
                   and_(True, *([] if created_by is None else [Assignment.created_by == created_by])))
            .order_by(MailOutbox.last_attempt_at.desc(), MailOutbox.id.desc()).limit(limit))
    return list(session.execute(stmt))


def outbox_counts(session: Session, *, max_attempts: int) -> dict[str, int]:
    """How many outbox rows are sent, waiting, and given up."""
    sent = func.count().filter(MailOutbox.sent_at.is_not(None))
    gave_up = func.count().filter(MailOutbox.sent_at.is_(None), MailOutbox.attempts >= max_attempts)
    waiting = func.count().filter(MailOutbox.sent_at.is_(None), MailOutbox.attempts < max_attempts)
    row = session.execute(select(sent, waiting, gave_up).select_from(MailOutbox)).one()
    return {"sent": row[0], "waiting": row[1], "gave_up": row[2]}
