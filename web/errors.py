"""One table from geo.errors to HTTP status; JSON under /api, HTML elsewhere."""
from __future__ import annotations

from flask import Flask, current_app, jsonify, render_template, request
from flask_babel import gettext as _
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from geo.errors import Conflict, Forbidden, InvalidInput, KuzetError, NotFound, RuleViolation

STATUS = {NotFound: 404, Forbidden: 403, InvalidInput: 400, Conflict: 409, RuleViolation: 422}


def status_of(error: KuzetError) -> int:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return 400


def wants_json() -> bool:
    return request.path.startswith("/api/")


def handle_kuzet_error(error: KuzetError):
    status = status_of(error)
    if wants_json():
        body = {"error": error.message}
        if isinstance(error, InvalidInput) and error.rows:
            body["rows"] = [r.as_dict() for r in error.rows]
        if isinstance(error, RuleViolation):
            body["violations"] = [v.as_dict() for v in error.violations]
        return jsonify(body), status
    return render_template("error.html", status=status, message=error.message), status


def handle_http_error(error: HTTPException):
    if wants_json():
        return jsonify({"error": error.description}), error.code
    return render_template("error.html", status=error.code, message=error.description), error.code


def handle_too_large(error: RequestEntityTooLarge):
    """413 naming the limit (the ``MAX_CONTENT_LENGTH`` setting); nothing was read or stored."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    message = _("The request body is larger than the %(limit)s bytes this server accepts; "
                "send less (a simpler geometry, fewer items).", limit=f"{limit:,}")
    if wants_json():
        return jsonify({"error": message}), 413
    return render_template("error.html", status=413, message=message), 413


def init_app(app: Flask) -> None:
    app.register_error_handler(KuzetError, handle_kuzet_error)
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(RequestEntityTooLarge, handle_too_large)
