"""The language of the command line: ``KUZET_LOCALE``, else the POSIX locale (``LC_ALL``,
``LC_MESSAGES``, ``LANG``: ``ru_RU.UTF-8`` is ru), else English; messages rendered with the
catalogues of web/translations through ``babel.support.Translations`` (no request needed)."""
from __future__ import annotations

import os
from collections.abc import Mapping
from functools import lru_cache
from pathlib import Path

from babel.support import NullTranslations, Translations

from geo.messages import Message, render

TRANSLATIONS_DIR = Path(__file__).parent / "translations"
SOURCE_LOCALE = "en"
# In the order POSIX gives them precedence; KUZET_LOCALE, kuzet's own setting, comes first.
LOCALE_VARIABLES = ("KUZET_LOCALE", "LC_ALL", "LC_MESSAGES", "LANG")


def language(value: str) -> str | None:
    """The language of a locale name (``ru_RU.UTF-8`` → ``ru``, ``kk-KZ`` → ``kk``); None for C/POSIX."""
    code = value.split(".")[0].split("@")[0].replace("-", "_").split("_")[0].strip().lower()
    return None if code in ("", "c", "posix") else code


def cli_locale(environ: Mapping[str, str] | None = None) -> str:
    """The locale the command line speaks: the first variable of ``LOCALE_VARIABLES`` that names one."""
    environ = os.environ if environ is None else environ
    for name in LOCALE_VARIABLES:
        found = language(environ.get(name) or "")
        if found:
            return found
    return SOURCE_LOCALE


@lru_cache(maxsize=8)
def translations(locale: str, directory: Path = TRANSLATIONS_DIR) -> NullTranslations:
    """The compiled catalogue of ``locale`` in ``directory`` (no translation when it has none)."""
    return Translations.load(str(directory), [locale], domain="messages")


class CliText:
    """gettext for the command line, in the locale of its environment (read when first used)."""

    def __init__(self, environ: Mapping[str, str] | None = None, directory: Path | None = None):
        self.environ, self.directory = environ, directory

    @property
    def translations(self) -> NullTranslations:
        return translations(cli_locale(self.environ), self.directory or TRANSLATIONS_DIR)

    def __call__(self, msgid: str, **params: object) -> str:
        """``msgid`` in the CLI's language with ``params`` filled in (as Flask-Babel's gettext)."""
        text = self.translations.gettext(msgid)
        return text % params if params else text

    def ngettext(self, singular: str, plural: str, num: int, **params: object) -> str:
        return self.translations.ngettext(singular, plural, num) % ({"num": num} | params)

    def render(self, value: Message | str) -> str:
        """A message of geo/ in the CLI's language."""
        return render(value, self.translations)
