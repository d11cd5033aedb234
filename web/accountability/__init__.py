"""Accountability pages: the audit log and the quarterly activity summary per formation."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("accountability", __name__)

from . import views  # noqa: E402,F401
