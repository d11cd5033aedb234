"""One engine per app, one session per request; the view commits, services never do."""
from __future__ import annotations

from collections.abc import Callable
from threading import Lock

from flask import Flask, current_app, g
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from geo.services.database import make_engine, make_sessionmaker

from .config import settings


def init_app(app: Flask) -> None:
    # Tests hand in their own sessionmaker (bound to a rolled-back connection).
    if "SESSIONMAKER" not in app.config:
        app.config["SESSIONMAKER"] = lambda: _sessionmaker(app)()
    app.teardown_appcontext(close_session)


def engine_of(app: Flask) -> Engine:
    """The app's engine, made on first use (nothing connects at import or factory time), with a pool
    sized to one server worker's threads (``geo.settings.ServerSettings``)."""
    engine = app.extensions.get("kuzet_engine")
    if engine is None:
        with _engine_lock:  # a worker's threads share one engine
            engine = app.extensions.get("kuzet_engine")
            if engine is None:
                config = settings(app)
                engine = make_engine(config.database_url, **config.server.engine_options())
                app.extensions["kuzet_engine"] = engine
    return engine


def _sessionmaker(app: Flask):
    """The app's sessionmaker over its engine, made once."""
    maker = app.extensions.get("kuzet_sessionmaker")
    if maker is None:
        maker = app.extensions["kuzet_sessionmaker"] = make_sessionmaker(engine_of(app))
    return maker


_engine_lock = Lock()


def new_session(app: Flask | None = None) -> Session:
    """A new session of ``app`` (default: the current app), outside any request's."""
    return (app or current_app).config["SESSIONMAKER"]()


def get_session() -> Session:
    """The request's session, opened on first use."""
    if "db_session" not in g:
        g.db_session = new_session()
    return g.db_session


def close_session(exc: BaseException | None = None) -> None:
    session = g.pop("db_session", None)
    if session is not None:
        _close(session, exc)


def stream_session() -> Callable[[], None]:
    """Take the request's session out of the request: a streamed body reads on after the view
    returns, so teardown must leave the session open. The returned function closes it; the stream
    calls it when it ends (``web.geojson.streamed_collection``)."""
    session = g.pop("db_session", None)
    return (lambda: None) if session is None else (lambda: _close(session, None))


def _close(session: Session, exc: BaseException | None) -> None:
    try:
        if exc is not None:
            session.rollback()
        session.close()
    except DBAPIError:  # the connection is gone (PostgreSQL down): nothing is left to roll back
        session.invalidate()
