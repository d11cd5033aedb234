"""Translations: every user-facing string goes through gettext (Flask-Babel)."""
from __future__ import annotations

from flask import Flask
from flask_babel import Babel

babel = Babel()


def init_app(app: Flask) -> None:
    babel.init_app(app)
