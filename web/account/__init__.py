"""The signed-in user's own settings: personal API tokens for GIS clients (/account/tokens)."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account", __name__, url_prefix="/account")

from . import views  # noqa: E402,F401
