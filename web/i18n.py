"""Translations (Flask-Babel over web/translations) and the reader's language.

The language of a request, first that is set (``select_locale``):

1. the signed-in user's choice, stored with their account (``user_account.locale``);
2. the ``kuzet_locale`` cookie the switch sets (anonymous pages: the login and error pages);
3. the browser's ``Accept-Language``, best match among ``geo.settings.LOCALES``;
4. the ``LOCALE`` setting (``KUZET_LOCALE``, default ``ru``).

The switch on every page POSTs here (``/locale``, CSRF-checked); JavaScript reads its strings from a
JSON catalogue of the page's locale (``js_catalogue``: the msgids of web/static/*.js, translated by
the compiled catalogue), embedded in each page and served at ``/i18n/<locale>.json``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from babel.messages.extract import extract_from_file
from flask import Blueprint, Flask, g, jsonify, redirect, request, url_for
from flask_babel import Babel, force_locale, get_locale, get_translations
from flask_babel import gettext as _
from flask_login import current_user

from geo.errors import InvalidInput, NotFound
from geo.services import accounts
from geo.settings import LOCALES

from .config import settings
from .db import get_session
from .errors import error_body

TRANSLATIONS = Path(__file__).with_name("translations")
STATIC = Path(__file__).with_name("static")
COOKIE = "kuzet_locale"
COOKIE_MAX_AGE_S = 365 * 24 * 3600
# How the switch names each language: in that language, short (the topbar has little room).
LABELS = {"ru": "ru", "kk": "қаз", "en": "en"}
# The JavaScript marking functions (web/static/i18n.js defines them); babel.cfg extracts the same.
JS_KEYWORDS = {"gettext": None, "ngettext": (1, 2)}
CATALOGUE_MAX_AGE_S = 3600

bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The request's language: the user's choice, else the cookie, else Accept-Language, else the setting."""
    # Flask-Login's user of this request, only when already loaded (require_login loads it first);
    # an error page may render while the database is down, so the selector never loads it itself.
    user = g.get("_login_user")
    chosen = getattr(getattr(user, "principal", None), "locale", None)
    if chosen in LOCALES:
        return chosen
    cookie = request.cookies.get(COOKIE)
    if cookie in LOCALES:
        return cookie
    return browser_locale(request.accept_languages) or settings().locale


def browser_locale(accepted) -> str | None:
    """The first of ``LOCALES`` in the browser's order of preference (``Accept-Language``, by
    quality), a regional tag counting for its language (``kk-KZ`` is ``kk``); None for none."""
    for value, quality in accepted:  # werkzeug keeps them sorted by quality
        language = value.lower().replace("_", "-").split("-")[0]
        if quality > 0 and language in LOCALES:
            return language
    return None


def html_lang() -> str:
    """The ``<html lang>`` of the page: the request's language."""
    return str(get_locale() or settings().locale)


def locale_choices() -> list[tuple[str, str]]:
    """``(code, label)`` of each language the switch offers."""
    return [(code, LABELS[code]) for code in LOCALES]


def here() -> str:
    """This page's path and query, where the switch comes back to."""
    return request.full_path if request.query_string else request.path


@lru_cache(maxsize=1)
def js_msgids() -> tuple[str | tuple[str, str], ...]:
    """Every msgid marked in web/static/*.js (a plural as ``(singular, plural)``), as pybabel extracts them."""
    found: dict[str | tuple[str, str], None] = {}
    for path in sorted(STATIC.glob("*.js")):
        for _lineno, message, _comments, _context in extract_from_file("javascript", str(path), keywords=JS_KEYWORDS):
            found[message] = None
    return tuple(found)


def js_catalogue(locale: str | None = None) -> dict:
    """The JavaScript strings of ``locale`` (default: the request's): ``messages`` maps each msgid
    to its translation (a plural's singular to the list of its forms); untranslated ones are left out."""
    locale = locale or html_lang()
    with force_locale(locale):
        catalog = getattr(get_translations(), "_catalog", {})
        messages: dict[str, str | list[str]] = {}
        for msgid in js_msgids():
            if isinstance(msgid, tuple):
                forms = []
                while (msgid[0], len(forms)) in catalog:
                    forms.append(catalog[(msgid[0], len(forms))])
                if any(forms):
                    messages[msgid[0]] = forms
            elif catalog.get(msgid):
                messages[msgid] = catalog[msgid]
    return {"locale": locale, "messages": messages}


@bp.post("/locale")
def choose():
    """Switch the language: remembered with the account when signed in, in a cookie either way."""
    locale = request.form.get("locale", "")
    if locale not in LOCALES:
        raise InvalidInput(_('Unknown language "%(locale)s"; choose one of: %(choices)s.',
                             locale=locale[:20], choices=", ".join(LOCALES)))
    principal = current_user.principal if current_user.is_authenticated else None
    if principal is not None and principal.user_id is not None:
        db = get_session()
        try:
            accounts.choose_locale(db, principal, locale=locale)
        except NotFound:
            db.rollback()
        else:
            db.commit()
    target = request.form.get("next", "")
    if not (target.startswith("/") and not target.startswith("//")):
        target = url_for("maps.index")
    response = redirect(target, code=303)
    response.set_cookie(COOKIE, locale, max_age=COOKIE_MAX_AGE_S, samesite="Lax", httponly=True,
                        secure=request.is_secure)
    return response


@bp.get("/i18n/<locale>.json")
def catalogue(locale: str):
    """The JSON catalogue of the JavaScript strings in ``locale`` (cacheable)."""
    if locale not in LOCALES:
        return jsonify(error_body(404, _('Unknown language "%(locale)s"; choose one of: %(choices)s.',
                                         locale=locale[:20], choices=", ".join(LOCALES)), "unknown-language")), 404
    response = jsonify(js_catalogue(locale))
    response.cache_control.public = True
    response.cache_control.max_age = CATALOGUE_MAX_AGE_S
    return response


def init_app(app: Flask) -> None:
    """Flask-Babel on web/translations (a test may name its own directories first), the default
    locale from the ``LOCALE`` setting, the selector, the switch and the template helpers."""
    app.config["BABEL_DEFAULT_LOCALE"] = settings(app).locale
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", str(TRANSLATIONS))
    # One Babel per app: Flask-Babel caches translations per locale on its instance, and apps (tests)
    # may read different directories.
    Babel(app, locale_selector=select_locale)
    app.jinja_env.globals.update(html_lang=html_lang, locale_choices=locale_choices, here=here,
                                 js_catalogue=js_catalogue)
    app.register_blueprint(bp)

