"""The phone pages as an installable web app: the manifest, the service worker at the site's root
(its scope covers /my/shifts and /reports/new) and a fresh CSRF token for reports kept offline."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("pwa", __name__)

# The pages the service worker keeps a copy of, readable with no connection.
OFFLINE_PAGES = ("leader.my_shifts", "reports.new_report")

from . import views  # noqa: E402,F401
