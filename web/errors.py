"""One table from geo.errors to HTTP status; JSON under /api, HTML elsewhere.

An error page never needs the database: it is rendered without the context processors (which
would load the signed-in user) and without the session (no CSRF token), so it renders when the
pool is empty or PostgreSQL is down. A database that cannot be reached answers 503 with
``Retry-After``.
"""
from __future__ import annotations

import psycopg
from flask import Flask, current_app, jsonify, request
from flask_babel import get_translations, gettext as _
from sqlalchemy.exc import OperationalError, TimeoutError as PoolTimeout
from werkzeug.exceptions import HTTPException, InternalServerError, RequestEntityTooLarge

from geo.errors import Conflict, Forbidden, InvalidInput, KuzetError, NotFound, RuleViolation

from .config import settings
from .formats import format_number
from .messages import localised

STATUS = {NotFound: 404, Forbidden: 403, InvalidInput: 400, Conflict: 409, RuleViolation: 422}
# The pool gave no connection in time, or PostgreSQL cannot be reached (or cancelled a statement).
UNAVAILABLE = (PoolTimeout, OperationalError, psycopg.OperationalError)


def status_of(error: KuzetError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


# Answers OGC API clients read in an error (OGC API - Common's exception "code").
OGC_CODES = {400: "InvalidParameterValue", 401: "Unauthorized", 403: "Forbidden", 404: "NotFound",
             405: "MethodNotAllowed", 413: "PayloadTooLarge", 503: "ServiceUnavailable"}


def wants_json() -> bool:
    return request.path.startswith(("/api/", "/ogc", "/tiles/"))


def error_body(status: int, message: str, code: str) -> dict:
    """The JSON of an error: kuzet's stable ``code`` and the localised ``message`` (also as ``error``,
    its older name); under /ogc, OGC's exception ``code`` and ``description``, kuzet's code as
    ``message_code``."""
    if request.path.startswith("/ogc"):
        return {"code": OGC_CODES.get(status, "Error"), "description": message, "error": message,
                "message": message, "message_code": code}
    return {"code": code, "message": message, "error": message}


def http_code(error: HTTPException) -> str:
    """A stable code for an HTTP error: its name in words (``not-found``, ``method-not-allowed``)."""
    return "-".join((error.name or "error").lower().replace("'", "").split())


def error_page(status: int, message: str, *, switch: bool = True):
    """The error page of ``status``, rendered with no database access; ``switch=False`` leaves out
    the language switch, whose CSRF token would be saved with a session the store cannot take."""
    html = current_app.jinja_env.get_template("error.html").render(status=status, message=message, switch=switch)
    return current_app.response_class(html, status=status, mimetype="text/html")


def handle_kuzet_error(error: KuzetError):
    status = status_of(error)
    message = localised(error.msg)
    if wants_json():
        body = error_body(status, message, error.msg.code)
        if isinstance(error, InvalidInput) and error.rows:
            translations = get_translations()
            body["rows"] = [r.as_dict(translations) for r in error.rows]
        if isinstance(error, RuleViolation):
            body["violations"] = [v.as_dict() for v in error.violations]
        return jsonify(body), status
    return error_page(status, message)


def handle_http_error(error: HTTPException):
    if isinstance(error, InternalServerError) and isinstance(error.original_exception, UNAVAILABLE):
        return handle_unavailable(error.original_exception)
    if wants_json():
        return jsonify(error_body(error.code, error.description, http_code(error))), error.code
    return error_page(error.code, error.description)


def handle_unavailable(error: Exception):
    current_app.logger.warning("database unavailable on %s %s: %s", request.method, request.path,
                               str(error).splitlines()[0] if str(error) else type(error).__name__)
    message = _("The service is busy or its database cannot be reached; try again in a few seconds.")
    response = jsonify(error_body(503, message, "unavailable")) if wants_json() else error_page(503, message, switch=False)
    response.status_code = 503
    response.headers["Retry-After"] = str(settings().server.retry_after_s)
    return response


def handle_too_large(error: RequestEntityTooLarge):
    """413 naming the limit (the ``MAX_CONTENT_LENGTH`` setting, or a route's own); nothing was read or stored."""
    limit = request.max_content_length or current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = _("The request body is larger than the %(limit)s bytes this server accepts; "
                "send less (a simpler geometry, fewer items).", limit=format_number(limit))
    if wants_json():
        return jsonify(error_body(413, message, "too-large")), 413
    return error_page(413, message)


def init_app(app: Flask) -> None:
    app.register_error_handler(KuzetError, handle_kuzet_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(RequestEntityTooLarge, handle_too_large)
    for cls in UNAVAILABLE:
        app.register_error_handler(cls, handle_unavailable)
