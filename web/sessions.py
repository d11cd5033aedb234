"""Server-side sessions: the cookie holds only a random id; the data lives in PostGIS (web_session)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from flask import Flask, request, session as current_session
from flask.sessions import SessionInterface, SessionMixin
from werkzeug.datastructures import CallbackDict

from geo.services import web_sessions as store

from .db import close_session, new_session
from .errors import UNAVAILABLE

LIFETIME = timedelta(hours=12)


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid: str | None = None, new: bool = False):
        def on_update(self):
            self.modified = True

        super().__init__(initial, on_update)
        self.sid = sid or secrets.token_urlsafe(32)
        self.new = new
        self.modified = False
        self.retired: str | None = None  # an id to delete when this response is saved
        self.unavailable: Exception | None = None  # why the store could not be read (see refuse_unavailable)


class DatabaseSessionInterface(SessionInterface):
    """Sessions stored in the ``web_session`` table; each read and write is its own short transaction."""

    def _db(self, app: Flask):
        return new_session(app)

    def open_session(self, app: Flask, request) -> ServerSession:
        sid = request.cookies.get(self.get_cookie_name(app))
        if sid:
            db = self._db(app)
            try:
                stored = store.load_session(db, sid, datetime.now(timezone.utc))
                if stored is not None:
                    return ServerSession(stored.data, sid=sid)
            except UNAVAILABLE as exc:  # answered by the error handlers, once the request is under way
                unread = ServerSession(sid=sid)
                unread.unavailable = exc
                return unread
            finally:
                db.close()
        return ServerSession(new=True)

    def save_session(self, app: Flask, session: ServerSession, response) -> None:
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
        if session.unavailable is not None:
            return  # never read, so nothing to write (and the cookie stays as it was)
        if session.retired:
            self._write(app, lambda db: store.drop_session(db, session.retired))
        if not session:
            if session.modified and not session.new:
                self._write(app, lambda db: store.drop_session(db, session.sid))
                response.delete_cookie(name, domain=domain, path=path)
            return
        if not (session.modified or session.new or self.should_set_cookie(app, session)):
            return
        expires = datetime.now(timezone.utc) + LIFETIME
        data = dict(session)
        user_id = data.get("_user_id")
        if not self._write(app, lambda db: store.save_session(db, session.sid, data, int(user_id) if user_id else None,
                                                             expires)):
            return
        # Secure when configured, or when this request came over HTTPS (behind a proxy: web/proxy.py).
        response.set_cookie(name, session.sid, expires=expires, httponly=True, domain=domain, path=path,
                            secure=self.get_cookie_secure(app) or request.is_secure,
                            samesite=self.get_cookie_samesite(app) or "Lax")

    def _write(self, app: Flask, action) -> bool:
        """Run ``action`` in a transaction of its own; False when the database cannot be reached (the
        response, a 503 page most likely, goes out without the write)."""
        # The request's own session ends first (what the view did not commit is dropped, as at
        # teardown), so this write never nests inside it.
        close_session()
        db = self._db(app)
        try:
            action(db)
            db.commit()
        except UNAVAILABLE as exc:
            app.logger.warning("session not saved, database unavailable: %s", type(exc).__name__)
            return False
        finally:
            db.close()
        return True

    @staticmethod
    def refuse_unavailable() -> None:
        """Before every request: a session the store could not read is the database's outage, answered
        as such (503), not as a signed-out user."""
        if getattr(current_session, "unavailable", None) is not None:
            raise current_session.unavailable

    @staticmethod
    def rotate(session: ServerSession) -> None:
        """A new id (after login and logout), so an id seen before is worth nothing after; the old
        one is deleted."""
        session.retired = None if session.new else session.sid
        session.sid = secrets.token_urlsafe(32)
        session.modified = True
