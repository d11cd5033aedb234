"""Map pages."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("maps", __name__)

from . import downloads, views  # noqa: E402,F401
