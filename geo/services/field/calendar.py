"""A shift holder's calendar feed: a secret, revocable URL a phone calendar subscribes to, which
serves their shifts (``my_shifts``) with no sign-in. The secret is shown once, when made; only its
sha256 is stored, and a new one revokes the old."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ...access import SHIFT_HOLDERS, Principal, require
from ...db import calendar_feeds as q
from ...errors import NotFound
from ...messages import N_, Message
from .. import accounts
from ..accountability.audit import record
from .shifts import my_shifts


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def new_calendar_feed(session: Session, viewer: Principal) -> str:
    """A new feed secret for the viewer's shifts (leaders and individual participants); the old one stops."""
    require(viewer, *SHIFT_HOLDERS)
    secret = secrets.token_urlsafe(32)
    feed = q.replace_feed(session, user_id=viewer.user_id, secret_sha256=_sha256(secret),
                          at=datetime.now(timezone.utc))
    record(session, viewer, "create", "calendar_feed", feed.id, None, {"user_id": viewer.user_id})
    return secret


def revoke_calendar_feed(session: Session, viewer: Principal) -> bool:
    """Stop the viewer's feed; False when they had none."""
    require(viewer, *SHIFT_HOLDERS)
    stopped = q.revoke_feeds(session, user_id=viewer.user_id, at=datetime.now(timezone.utc)) > 0
    if stopped:
        record(session, viewer, "revoke", "calendar_feed", None, {"user_id": viewer.user_id}, None)
    return stopped


def has_calendar_feed(session: Session, viewer: Principal) -> bool:
    return q.live_feed(session, viewer.user_id) is not None


def calendar_shifts(session: Session, secret: str, *, timezone_name: str, locale: str | None = None) -> dict:
    """The shifts of the feed's user, as ``my_shifts`` gives them; NotFound for an unknown or stopped
    feed, or a user who can no longer hold shifts (the same answer, so a guess learns nothing)."""
    user_id = q.feed_user(session, _sha256(secret))
    gone = NotFound(Message("calendar.no-feed", N_("no such calendar feed (it may have been stopped)")))
    if user_id is None:
        raise gone
    try:
        viewer = accounts.principal_of(session, user_id)  # NotFound for a deactivated account
    except NotFound:
        raise gone from None
    if not any(role in viewer.roles for role in SHIFT_HOLDERS):
        raise gone
    return my_shifts(session, viewer, timezone_name=timezone_name, locale=locale, past_limit=50)
