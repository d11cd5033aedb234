"""Choosing the language: the switch (POST /locale, CSRF), the account's choice, the cookie,
Accept-Language and the LOCALE setting, in that order; ``<html lang>`` on every kind of page."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from geo.db.models import UserAccount

from tests.conftest import add_user, make_app, sign_in
from tests.support.catalogues import directories, write_catalogue

# A msgid of the login page, translated by the test-only catalogues below.
SIGN_IN = "Sign in to kuzet"
SIGN_IN_KK = "kuzet жүйесіне кіру (test)"
SIGN_IN_RU = "Вход в kuzet (test)"


def lang(response) -> str:
    found = re.search(rb'<html lang="([^"]*)"', response.data)
    assert found, response.data[:300]
    return found.group(1).decode()


def stored_locale(session, login: str) -> str | None:
    session.expire_all()
    return session.scalar(select(UserAccount.locale).where(UserAccount.login == login))


@pytest.fixture
def translated_app(connection, tmp_path):
    """The app with test-only kk and ru catalogues that translate the login page's heading."""
    write_catalogue(tmp_path, "kk", {SIGN_IN: SIGN_IN_KK})
    write_catalogue(tmp_path, "ru", {SIGN_IN: SIGN_IN_RU})
    return make_app(connection, BABEL_TRANSLATION_DIRECTORIES=directories(tmp_path))


def test_the_suite_reads_english_by_default(anonymous):
    assert lang(anonymous.get("/login")) == "en"


@pytest.mark.parametrize("setting", ["ru", "kk", "en"])
def test_without_any_choice_the_locale_setting_decides(connection, setting):
    app = make_app(connection, LOCALE=setting)
    assert lang(app.test_client().get("/login")) == setting


def test_the_default_setting_is_russian():
    from web.config import DEFAULTS

    assert DEFAULTS["LOCALE"] == "ru"


def test_an_unknown_locale_setting_stops_the_app_with_its_name(connection):
    with pytest.raises(ValueError, match="KUZET_LOCALE"):
        make_app(connection, LOCALE="de")


@pytest.mark.parametrize("header, expected", [
    ("kk", "kk"),
    ("kk-KZ,ru;q=0.8", "kk"),          # a regional tag counts for its language, in the browser's order
    ("ru-RU,ru;q=0.9,en-US;q=0.8", "ru"),
    ("de-DE,de;q=0.9,en;q=0.5", "en"),  # the best of the languages kuzet speaks
    ("en;q=0.2,kk;q=0.7", "kk"),        # by quality, not by position
    ("de, fr", "ru"),                   # none of them: the setting
    ("ru;q=0, de", "ru"),               # q=0 refuses ru; then none: the setting (ru here)
])
def test_accept_language_picks_the_best_match_else_the_setting(connection, header, expected):
    app = make_app(connection, LOCALE="ru")
    assert lang(app.test_client().get("/login", headers={"Accept-Language": header})) == expected


def test_the_switch_sets_a_cookie_for_an_anonymous_visitor(translated_app):
    visitor = translated_app.test_client()
    answer = visitor.post("/locale", data={"locale": "kk", "next": "/login"})
    assert answer.status_code == 303 and answer.headers["Location"] == "/login"
    assert visitor.get_cookie("kuzet_locale").value == "kk"
    page = visitor.get("/login", headers={"Accept-Language": "ru"})  # the cookie before the browser
    assert lang(page) == "kk"
    assert SIGN_IN_KK in page.get_data(as_text=True)


def test_the_switch_remembers_the_choice_with_the_signed_in_users_account(translated_app, session):
    add_user(session, "aigerim", ["dispatcher"])
    session.commit()
    first = sign_in(translated_app.test_client(), "aigerim")
    assert first.post("/locale", data={"locale": "kk", "next": "/reports"}).status_code == 303
    assert stored_locale(session, "aigerim") == "kk"
    assert lang(first.get("/reports")) == "kk"
    # Another browser, without the cookie, asking for Russian: the account's choice still decides.
    other = sign_in(translated_app.test_client(), "aigerim")
    assert other.get_cookie("kuzet_locale") is None
    assert lang(other.get("/reports", headers={"Accept-Language": "ru"})) == "kk"


def test_precedence_is_user_then_cookie_then_accept_language_then_setting(connection, session):
    app = make_app(connection, LOCALE="ru")
    add_user(session, "berik", ["dispatcher"])
    session.commit()
    browser = app.test_client()
    ask = {"Accept-Language": "kk"}
    assert lang(browser.get("/login")) == "ru"                       # the setting
    assert lang(browser.get("/login", headers=ask)) == "kk"          # Accept-Language over the setting
    browser.set_cookie("kuzet_locale", "en")
    assert lang(browser.get("/login", headers=ask)) == "en"          # the cookie over Accept-Language
    sign_in(browser, "berik")
    session.execute(UserAccount.__table__.update().where(UserAccount.login == "berik").values(locale="ru"))
    session.commit()
    assert lang(browser.get("/reports", headers=ask)) == "ru"        # the user's choice over the cookie


def test_a_cookie_of_an_unknown_language_is_ignored(connection):
    app = make_app(connection, LOCALE="kk")
    browser = app.test_client()
    browser.set_cookie("kuzet_locale", "xx")
    assert lang(browser.get("/login")) == "kk"


@pytest.mark.parametrize("value", ["xx", "", "RU", "ru-RU", "<script>"])
def test_an_unknown_language_is_a_clear_400_and_nothing_is_stored(client, session, value):
    answer = client.post("/locale", data={"locale": value, "next": "/reports"})
    assert answer.status_code == 400
    text = answer.get_data(as_text=True)
    assert "Unknown language" in text and "ru, kk, en" in text
    assert "<script>" not in text  # shown escaped
    assert client.get_cookie("kuzet_locale") is None
    assert stored_locale(session, "admin") is None


def test_the_switch_goes_back_only_to_a_page_of_this_site(anonymous):
    for target in ("https://example.org/", "//example.org/", ""):
        answer = anonymous.post("/locale", data={"locale": "en", "next": target})
        assert answer.status_code == 303 and answer.headers["Location"] == "/"


def test_the_switch_needs_the_csrf_token(connection, session):
    app = make_app(connection, WTF_CSRF_ENABLED=True)
    add_user(session, "dana", ["dispatcher"])
    session.commit()
    browser = app.test_client()
    page = browser.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    browser.post("/login", data={"login": "dana", "password": "a test password", "csrf_token": token})
    refused = browser.post("/locale", data={"locale": "kk", "next": "/reports"})
    assert refused.status_code == 400 and b"CSRF" in refused.data
    assert stored_locale(session, "dana") is None and browser.get_cookie("kuzet_locale") is None
    page = browser.get("/reports").get_data(as_text=True)
    token = re.search(r'class="locale-switch".*?name="csrf_token" value="([^"]+)"', page, re.S).group(1)
    assert browser.post("/locale", data={"locale": "kk", "next": "/reports", "csrf_token": token}).status_code == 303
    assert stored_locale(session, "dana") == "kk"


SIGNED_IN_PAGES = {
    "/": 200,                 # a folium map page
    "/dispatch": 200,         # a folium page with its own script
    "/reports": 200,          # a page of base.html
    "/no/such/page": 404,     # the error page
}


@pytest.mark.parametrize("locale", ["ru", "kk", "en"])
@pytest.mark.parametrize("path, status", SIGNED_IN_PAGES.items())
def test_html_lang_and_the_switch_on_every_kind_of_page(client, path, status, locale):
    client.set_cookie("kuzet_locale", locale)
    page = client.get(path)
    assert page.status_code == status
    assert lang(page) == locale
    text = page.get_data(as_text=True)
    assert 'class="locale-switch"' in text
    assert f'value="{locale}" lang="{locale}" aria-pressed="true"' in text
    assert "қаз" in text


@pytest.mark.parametrize("locale", ["ru", "kk"])
def test_the_login_page_and_a_400_error_page_follow_the_cookie(anonymous, locale):
    anonymous.set_cookie("kuzet_locale", locale)
    assert lang(anonymous.get("/login")) == locale
    error = anonymous.post("/locale", data={"locale": "xx"})
    assert error.status_code == 400 and lang(error) == locale
    assert 'class="locale-switch"' in error.get_data(as_text=True)


def test_the_page_comes_back_in_the_chosen_language(translated_app):
    visitor = translated_app.test_client()
    assert SIGN_IN in visitor.get("/login").get_data(as_text=True)
    visitor.post("/locale", data={"locale": "ru", "next": "/login"})
    page = visitor.get("/login").get_data(as_text=True)
    assert SIGN_IN_RU in page and SIGN_IN not in page
