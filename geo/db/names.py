"""A place's name in the reader's language: ``name_<lang>`` where the row has one, else ``name``.

The language comes as a plain parameter (a locale such as ``"kk"`` or ``"ru_KZ"``, or None), from the
web edge's locale or a CLI's setting; an unknown language reads the original names.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, func

# The languages a place may have a name in beside its original one (columns ``name_<lang>``).
LANGUAGES = ("ru", "kk", "en")


def language_of(locale) -> str | None:
    """The language of ``locale`` (``"kk"`` of ``"kk_KZ"`` or a babel Locale) when places may be
    named in it, else None."""
    if locale is None:
        return None
    language = str(locale).replace("-", "_").split("_")[0].lower()
    return language if language in LANGUAGES else None


def name_column(locale) -> str | None:
    """The column holding names in ``locale``'s language (``"name_kk"``), None for none."""
    language = language_of(locale)
    return None if language is None else f"name_{language}"


def localised_name(model, locale) -> ColumnElement[str]:
    """``model``'s name in ``locale``'s language, falling back to ``name`` (just ``name`` when the
    table keeps no names in that language)."""
    column = name_column(locale)
    if column is None or not hasattr(model, column):
        return model.name
    return func.coalesce(getattr(model, column), model.name)
