"""Printable shift sheets: per assignment and per day, as HTML for the browser's print and as PDF."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sheets", __name__)

from . import views  # noqa: E402,F401
