"""The web app manifest, the service worker and the token a kept report is sent with."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import current_app, g, jsonify, send_from_directory, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from . import OFFLINE_PAGES, bp

ICON_SIZES = (192, 512)


@bp.get("/manifest.webmanifest")
def manifest():
    """The web app manifest (W3C Web Application Manifest): name in the reader's language, local icons."""
    body = {
        "name": _("kuzet: shifts and reports"),
        "short_name": "kuzet",
        "description": _("Your shifts and reports from the field, also with no connection."),
        "start_url": url_for("leader.my_shifts"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#eceff1",
        "theme_color": "#263238",
        "icons": [{"src": url_for("static", filename=f"icons/icon-{px}.png"), "sizes": f"{px}x{px}",
                   "type": "image/png", "purpose": "any maskable"} for px in ICON_SIZES],
    }
    response = jsonify(body)
    response.mimetype = "application/manifest+json"
    response.headers["Cache-Control"] = "no-cache"
    return response


@bp.get("/sw.js")
def service_worker():
    """The service worker, from the root so its scope covers every page; always revalidated, so a new
    version reaches the phones on their next visit."""
    response = send_from_directory(current_app.static_folder, "sw.js", mimetype="text/javascript", max_age=0)
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/"
    return response


@bp.get("/pwa/csrf-token")
def csrf_token():
    """A CSRF token for this session: a report kept on the device is sent with a fresh one (the page
    it was written on may be hours old). Same-origin only: no other site can read the answer."""
    response = jsonify({"csrf_token": generate_csrf()})
    response.headers["Cache-Control"] = "no-store"
    return response


def offline_paths() -> list[str]:
    """The paths of the pages the service worker keeps."""
    return [url_for(endpoint) for endpoint in OFFLINE_PAGES]


def page_time() -> datetime:
    """When this page was made (a copy shown from the device says how old it is)."""
    if "pwa_page_time" not in g:
        g.pwa_page_time = datetime.now(timezone.utc)
    return g.pwa_page_time


def setup() -> dict:
    """What web/static/pwa.js is given: the worker's and the token's addresses, the pages kept, its words."""
    return {"worker": url_for("pwa.service_worker"), "token": url_for("pwa.csrf_token"), "pages": offline_paths(),
            "strings": {
                "from_cache": _("No connection: this is the copy kept on this device, fetched at %(time)s "
                                "(%(age)s min ago)."),
                "back_online": _("The connection is back; this page is still the copy fetched at %(time)s: "
                                 "reload it for the latest."),
                "kept": _("Kept on this device; it will be sent when the connection returns."),
                "sent": _("Sent: report %(id)s."),
                "open": _("Open it"),
                "refused": _("Not stored: %(reasons)s"),
                "discard": _("Discard"),
                "sign_in": _("Sign in again to send the reports kept on this device."),
                "other_user": _("Kept for %(login)s; it is sent when they sign in on this device."),
            }}


@bp.app_context_processor
def pwa_context() -> dict:
    return {"pwa_setup": setup, "pwa_page_time": page_time}
