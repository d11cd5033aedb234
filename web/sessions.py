"""Server-side sessions: the cookie holds only a random id; the data lives in PostGIS (web_session)."""
from __future__ import annotations

import secrets
from datetime import datetime, timedelta, timezone

from flask import Flask
from flask.sessions import SessionInterface, SessionMixin
from sqlalchemy.orm import Session
from werkzeug.datastructures import CallbackDict

from geo.services import web_sessions as store

from .db import close_session, new_session

LIFETIME = timedelta(hours=12)


def drop_expired_sessions(db: Session) -> int:
    """Delete the stored sessions past their expiry (no one can use them any more); how many went."""
    return store.drop_expired_sessions(db)


class ServerSession(CallbackDict, SessionMixin):
    def __init__(self, initial=None, sid: str | None = None, new: bool = False):
        def on_update(self):
            self.modified = True

        super().__init__(initial, on_update)
        self.sid = sid or secrets.token_urlsafe(32)
        self.new = new
        self.modified = False
        self.retired: str | None = None  # an id to delete when this response is saved


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
            finally:
                db.close()
        return ServerSession(new=True)

    def save_session(self, app: Flask, session: ServerSession, response) -> None:
        name, domain, path = self.get_cookie_name(app), self.get_cookie_domain(app), self.get_cookie_path(app)
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
        self._write(app, lambda db: store.save_session(db, session.sid, data, int(user_id) if user_id else None,
                                                       expires))
        response.set_cookie(name, session.sid, expires=expires, httponly=True, domain=domain, path=path,
                            secure=self.get_cookie_secure(app), samesite=self.get_cookie_samesite(app) or "Lax")

    def _write(self, app: Flask, action) -> None:
        # The request's own session ends first (what the view did not commit is dropped, as at
        # teardown), so this write never nests inside it.
        close_session()
        db = self._db(app)
        try:
            action(db)
            db.commit()
        finally:
            db.close()

    @staticmethod
    def rotate(session: ServerSession) -> None:
        """A new id (after login and logout), so an id seen before is worth nothing after; the old
        one is deleted."""
        session.retired = None if session.new else session.sid
        session.sid = secrets.token_urlsafe(32)
        session.modified = True
