"""Opening the database: an engine for a URL, its sessionmaker, and the schema's migrations.

The web app and the CLI open the database through here; everything else about it stays in ``geo.db``.
"""
from __future__ import annotations

from ..db import make_engine, make_sessionmaker, migrate

__all__ = ["make_engine", "make_sessionmaker", "migrate"]
