"""The planner's page: propose a plan for a shift, inspect it on the map, accept all or some of it."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("planning", __name__)

from . import views  # noqa: E402,F401
