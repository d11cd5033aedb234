"""Login, logout and who is asking: Flask-Login over kuzet's accounts, CSRF on every change."""
from __future__ import annotations

import math
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from flask import Blueprint, Flask, flash, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from geo.access import Principal
from geo.errors import NotFound
from geo.services import accounts, web_sessions

from .config import settings
from .db import get_session
from .sessions import DatabaseSessionInterface

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()
OPEN_ENDPOINTS = {"auth.login", "static", "api.openapi"}


class User(UserMixin):
    def __init__(self, principal: Principal):
        self.principal = principal
        self.id = str(principal.user_id)


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        return User(accounts.principal_of(get_session(), int(user_id)))
    except (NotFound, ValueError):
        return None


def current_principal() -> Principal:
    """The signed-in user's principal (every view hands it to the service it calls)."""
    return current_user.principal


def require_login():
    """Every route but the login page and static files needs a signed-in user."""
    if request.endpoint in OPEN_ENDPOINTS or current_user.is_authenticated:
        return None
    if request.path.startswith(("/api/", "/tiles/")):  # machine answers: no redirect to a form
        return jsonify({"error": _("sign in first")}), 401
    return redirect(url_for("auth.login", next=request.full_path if request.query_string else request.path))


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Sign in with login and password (failed attempts slow down; only a POST is an attempt)."""
    if request.method != "POST":  # GET, and HEAD with it, only show the form
        return render_template("login.html")
    db = get_session()
    try:
        who = accounts.authenticate(db, login=request.form.get("login", ""), password=request.form.get("password", ""),
                                    remote_addr=request.remote_addr, policy=settings().login)
    except accounts.TooManyAttempts as exc:
        db.commit()  # a wrong password past the address's ceiling is recorded too
        return _wait_page(exc)
    if who is not None:
        web_sessions.drop_expired_sessions(db)  # a cheap sweep, so expired sessions do not pile up between prunes
    db.commit()  # the attempt is recorded either way
    if who is None:
        return render_template("login.html", error=_("Wrong login or password.")), 401
    DatabaseSessionInterface.rotate(session)
    login_user(User(who))
    target = request.args.get("next", "")
    return redirect(target if target.startswith("/") and not target.startswith("//") else url_for("maps.index"))


def _wait_page(exc: accounts.TooManyAttempts):
    """429 with the login form, saying when to try again (in minutes and local time) and ``Retry-After``."""
    seconds = max(1, math.ceil((exc.retry_at - datetime.now(timezone.utc)).total_seconds()))
    at = exc.retry_at.astimezone(ZoneInfo(settings().timezone)).strftime("%H:%M")
    minutes = math.ceil(seconds / 60)
    if exc.scope == "address":
        message = ngettext("Too many failed logins from your address. Try again in %(num)d minute (at %(time)s).",
                           "Too many failed logins from your address. Try again in %(num)d minutes (at %(time)s).",
                           minutes, time=at)
    else:
        message = ngettext("Too many failed logins for this login. Try again in %(num)d minute (at %(time)s).",
                           "Too many failed logins for this login. Try again in %(num)d minutes (at %(time)s).",
                           minutes, time=at)
    return render_template("login.html", error=message), 429, {"Retry-After": str(seconds)}


@bp.post("/logout")
def logout():
    """Sign out and forget the session."""
    logout_user()
    session.clear()
    DatabaseSessionInterface.rotate(session)
    flash(_("Signed out."))
    return redirect(url_for("auth.login"))


def init_app(app: Flask) -> None:
    app.session_interface = DatabaseSessionInterface()
    login_manager.init_app(app)
    csrf.init_app(app)
    app.before_request(require_login)
    app.context_processor(lambda: {"principal": current_user.principal if current_user.is_authenticated else None})
    app.register_blueprint(bp)
