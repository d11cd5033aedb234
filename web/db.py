"""One engine per app, one session per request; the view commits, services never do."""
from __future__ import annotations

from flask import Flask, current_app, g
from sqlalchemy.orm import Session

from geo.services.database import make_engine, make_sessionmaker

from .config import settings


def init_app(app: Flask) -> None:
    # Tests hand in their own sessionmaker (bound to a rolled-back connection).
    if "SESSIONMAKER" not in app.config:
        engine = None

        def factory() -> Session:
            nonlocal engine
            if engine is None:  # connect lazily: nothing connects at import or factory time
                engine = make_engine(settings(app).database_url)
                app.extensions["kuzet_engine"] = engine
            return make_sessionmaker(engine)()

        app.config["SESSIONMAKER"] = factory
    app.teardown_appcontext(close_session)


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
        if exc is not None:
            session.rollback()
        session.close()
