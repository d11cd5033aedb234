"""The OpenAPI 3.1 document of /api/v1 (web/api/openapi.json; a web test keeps it equal to the routes)."""
from __future__ import annotations

import json
from functools import cache
from pathlib import Path

from flask import jsonify

from . import bp

DOCUMENT = Path(__file__).with_name("openapi.json")


@cache
def document() -> dict:
    """The parsed document, read once per process."""
    return json.loads(DOCUMENT.read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi():
    """The OpenAPI 3.1 description of every /api/v1 route."""
    return jsonify(document())
