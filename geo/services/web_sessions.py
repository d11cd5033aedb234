"""The web app's server-side sessions (``web_session``): the cookie holds only their id.

``web/sessions.py`` keeps Flask's session here; each call runs in the caller's transaction.
"""
from __future__ import annotations

from ..db.accounts import drop_session, load_session, save_session

__all__ = ["drop_session", "load_session", "save_session"]
