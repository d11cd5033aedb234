"""The formation leader's pages: "My shifts" and acknowledging a shift."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("leader", __name__)

from . import views  # noqa: E402,F401
