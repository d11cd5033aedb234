"""Reports from the field: filing one on the map, listing them, the supervisor's new reports."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("reports", __name__)

from . import views  # noqa: E402,F401
