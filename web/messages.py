"""Messages of geo/ (``geo.messages.Message``) rendered in the request's language (Flask-Babel)."""
from __future__ import annotations

from flask_babel import get_translations

from geo.messages import Message, render


def localised(value: Message | str) -> str:
    """``value`` in the request's locale; a text already translated is shown as it is."""
    return render(value, get_translations())
