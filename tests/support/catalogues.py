"""Test-only translations: a compiled catalogue written to a temporary directory, which an app reads
after web/translations (BABEL_TRANSLATION_DIRECTORIES; a later directory's entries win), so a test can
see a page come back in another language before the translators' catalogues land."""
from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from web.i18n import TRANSLATIONS


def write_catalogue(root: Path, locale: str, messages: dict) -> Path:
    """``root/<locale>/LC_MESSAGES/messages.mo`` holding ``messages`` (msgid → translation; a
    ``(singular, plural)`` key → a list of forms). Returns ``root``."""
    catalog = Catalog(locale=locale)
    for msgid, translation in messages.items():
        catalog.add(msgid, translation)
    folder = root / locale / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "messages.mo", "wb") as out:
        write_mo(out, catalog)
    return root


def directories(root: Path) -> str:
    """The app's BABEL_TRANSLATION_DIRECTORIES: the real catalogues, then the test's (which win)."""
    return f"{TRANSLATIONS};{root}"
