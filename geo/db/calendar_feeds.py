"""Queries and writes of calendar feeds (looked up by the sha256 of their secret)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import CalendarFeed


def replace_feed(session: Session, *, user_id: int, secret_sha256: str, at: datetime) -> CalendarFeed:
    """The user's new live feed; any live one before it is revoked at ``at``."""
    revoke_feeds(session, user_id=user_id, at=at)
    feed = CalendarFeed(user_id=user_id, secret_sha256=secret_sha256)
    session.add(feed)
    session.flush()
    return feed


def revoke_feeds(session: Session, *, user_id: int, at: datetime) -> int:
    """Revoke the user's live feed; how many were live (0 or 1)."""
    done = session.execute(update(CalendarFeed).where(CalendarFeed.user_id == user_id,
                                                      CalendarFeed.revoked_at.is_(None)).values(revoked_at=at))
    session.flush()
    return done.rowcount


def live_feed(session: Session, user_id: int) -> CalendarFeed | None:
    return session.scalar(select(CalendarFeed).where(CalendarFeed.user_id == user_id,
                                                     CalendarFeed.revoked_at.is_(None)))


def feed_user(session: Session, secret_sha256: str) -> int | None:
    """The user of a live feed with that secret, else None."""
    return session.scalar(select(CalendarFeed.user_id).where(CalendarFeed.secret_sha256 == secret_sha256,
                                                             CalendarFeed.revoked_at.is_(None)))
