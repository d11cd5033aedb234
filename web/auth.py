"""Login, logout and who is asking: Flask-Login over kuzet's accounts, CSRF on every change.

Clients that are not browsers (GDAL, QGIS, scripts) send a personal API token instead of a session
cookie: ``Authorization: Bearer <token>`` on /ogc, /api/v1 and /tiles. Such a request is answered as
the token's user (``request_loader``; a cookie sent beside it is ignored) and needs no CSRF token,
since a browser never adds that header to a cross-site request by itself. A token that is unknown,
revoked or expired is a 401 with a JSON message, whatever else the request holds.
"""
from __future__ import annotations

import math
from datetime import datetime, timezone

from flask import Blueprint, Flask, flash, g, jsonify, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import LoginManager, UserMixin, current_user, login_user, logout_user
from flask_wtf.csrf import CSRFProtect

from geo.access import Principal
from geo.errors import NotFound
from geo.services import accounts, api_tokens, web_sessions

from .config import settings
from .db import get_session
from .formats import format_clock
from .messages import localised
from .sessions import DatabaseSessionInterface

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
csrf = CSRFProtect()
OPEN_ENDPOINTS = {"auth.login", "static", "api.openapi", "i18n.choose", "i18n.catalogue",
                  "leader.calendar_feed",  # a calendar address: its secret is the key
                  "pwa.manifest", "pwa.service_worker"}  # the web app's files hold nothing private
# Where a Bearer token is accepted; these paths also answer a missing sign-in with JSON, not a redirect.
TOKEN_PATHS = ("/ogc", "/api/", "/tiles")


class User(UserMixin):
    def __init__(self, principal: Principal):
        self.principal = principal
        self.id = str(principal.user_id)


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header on a path that accepts one, else None."""
    scheme, _sep, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not request.path.startswith(TOKEN_PATHS):
        return None
    return token.strip()


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    if bearer_token() is not None:
        return None  # the token decides who asks (load_user_from_token)
    try:
        return User(accounts.principal_of(get_session(), int(user_id)))
    except (NotFound, ValueError):
        return None


@login_manager.request_loader
def load_user_from_token(_request) -> User | None:
    """The user of a Bearer token; a refused token leaves its reason for ``require_login``'s 401."""
    token = bearer_token()
    if token is None:
        return None
    db = get_session()
    try:
        principal = api_tokens.principal_for_token(db, token)
    except api_tokens.TokenRefused as exc:
        g.token_refused = localised(exc.msg)
        return None
    db.commit()  # last_used_at, before the view runs (a view that fails must not undo it)
    return User(principal)


def current_principal() -> Principal:
    """The signed-in user's principal (every view hands it to the service it calls)."""
    return current_user.principal


def require_login():
    """Every route but the login page and static files needs a signed-in user."""
    if bearer_token() is not None and not current_user.is_authenticated:
        message = g.get("token_refused") or _("unknown API token")
        return (jsonify({"code": "InvalidToken", "description": message, "error": message, "message": message}), 401,
                {"WWW-Authenticate": 'Bearer error="invalid_token"'})
    if request.endpoint in OPEN_ENDPOINTS or current_user.is_authenticated:
        return None
    if request.path.startswith(TOKEN_PATHS):
        message = _("sign in first, or send an API token as 'Authorization: Bearer <token>'")
        return jsonify({"code": "Unauthorized", "description": message, "error": message,
                        "message": message}), 401, {"WWW-Authenticate": "Bearer"}
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
    at = format_clock(exc.retry_at)
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


def protect_cookie_requests():
    """CSRF on every change a cookie session makes; a Bearer request carries no cookie authority."""
    from flask import current_app

    if not current_app.config["WTF_CSRF_ENABLED"] or bearer_token() is not None:
        return None
    csrf.protect(apply_exemptions=True)
    return None


def init_app(app: Flask) -> None:
    app.session_interface = DatabaseSessionInterface()
    login_manager.init_app(app)
    # CSRF is checked by ``protect_cookie_requests`` (below), which leaves out Bearer requests.
    app.config["WTF_CSRF_CHECK_DEFAULT"] = False
    csrf.init_app(app)
    app.before_request(protect_cookie_requests)
    app.before_request(require_login)
    app.context_processor(lambda: {"principal": current_user.principal if current_user.is_authenticated else None})
    app.register_blueprint(bp)
