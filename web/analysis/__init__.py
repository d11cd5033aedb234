"""The analyst's page: hot spots of the selected incidents, on a map, in a table and over time."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("analysis", __name__)

from . import evaluation, knox, views  # noqa: E402,F401
