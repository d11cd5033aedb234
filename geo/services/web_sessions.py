"""The web app's server-side sessions (``web_session``): the cookie holds only their id.

``web/sessions.py`` keeps Flask's session here; each call runs in the caller's transaction.
"""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ..db import accounts as q
from ..db.accounts import drop_session, load_session, save_session

__all__ = ["drop_expired_sessions", "drop_session", "load_session", "save_session"]


def drop_expired_sessions(session: Session, now: datetime | None = None) -> int:
    """Delete the stored sessions past their expiry (no one can use them any more); how many went."""
    return q.drop_expired_sessions(session, now or datetime.now(timezone.utc))
