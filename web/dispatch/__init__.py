"""The dispatcher's and the supervisor's pages."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("dispatch", __name__)

from . import views  # noqa: E402,F401
