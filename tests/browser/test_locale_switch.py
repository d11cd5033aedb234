"""The language switch in chromium: a click on қаз / ru brings the page back in that language, an
anonymous visitor's choice is kept in a cookie, a signed-in user's with their account."""
from __future__ import annotations

import threading

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session
from werkzeug.serving import make_server

from geo.db import make_engine
from geo.db.models import UserAccount

from tests.browser.conftest import DEMO_URL, sign_in
from tests.conftest import add_user
from tests.support.catalogues import directories, write_catalogue

pytestmark = pytest.mark.browser

LOGIN = "polyglot"
SIGN_IN = "Sign in to kuzet"
TRANSLATED = {"kk": {SIGN_IN: "kuzet жүйесіне кіру (test)", "Give a reason to reject.": "Бас тарту себебін жазыңыз (test)"},
              "ru": {SIGN_IN: "Вход в kuzet (test)", "Give a reason to reject.": "Укажите причину отказа (test)"}}


def account_locale() -> str | None:
    engine = make_engine(DEMO_URL)
    try:
        with Session(engine) as session:
            return session.scalar(select(UserAccount.locale).where(UserAccount.login == LOGIN))
    finally:
        engine.dispose()


@pytest.fixture(scope="module")
def translated_server(demo_app, tmp_path_factory):
    """The app over the demo database with test-only kk and ru catalogues, served on 127.0.0.1; a
    dispatcher of its own, whose stored choice is cleared afterwards."""
    from web import create_app

    root = tmp_path_factory.mktemp("catalogues")
    for locale, messages in TRANSLATED.items():
        write_catalogue(root, locale, messages)
    engine = make_engine(DEMO_URL)
    with Session(engine) as session:
        if session.scalar(select(UserAccount.id).where(UserAccount.login == LOGIN)) is None:
            add_user(session, LOGIN, ["dispatcher"])
        session.commit()
    app = create_app({"TESTING": True, "DATABASE_URL": DEMO_URL, "LOCALE": "en",
                      "BABEL_TRANSLATION_DIRECTORIES": directories(root)})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    with Session(engine) as session:
        session.execute(update(UserAccount).where(UserAccount.login == LOGIN).values(locale=None))
        session.commit()
    engine.dispose()


def switch_to(page, label: str, locale: str) -> None:
    page.locator(".locale-switch button", has_text=label).click()
    page.locator(f"html[lang={locale}]").wait_for(state="attached")
    page.wait_for_load_state("load")  # the page's scripts (i18n.js) have run


def test_clicking_the_switch_brings_the_page_back_in_that_language(browser, translated_server):
    context = browser.new_context(locale="en-US")
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    try:
        page.goto(f"{translated_server}/login")
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("main h1").inner_text() == SIGN_IN

        switch_to(page, "қаз", "kk")
        assert page.url.endswith("/login")
        assert page.locator("main h1").inner_text() == TRANSLATED["kk"][SIGN_IN]
        assert page.locator('.locale-switch button[aria-pressed="true"]').inner_text() == "қаз"

        sign_in(page, translated_server, LOGIN)  # the cookie carries the anonymous choice on
        page.wait_for_load_state("load")  # sign_in returns once the URL changed, before the scripts ran
        assert page.locator("html").get_attribute("lang") == "kk"
        assert page.evaluate("() => gettext('Give a reason to reject.')") == TRANSLATED["kk"]["Give a reason to reject."]

        switch_to(page, "ru", "ru")
        assert "/login" not in page.url
        assert page.evaluate("() => gettext('Give a reason to reject.')") == TRANSLATED["ru"]["Give a reason to reject."]
        assert account_locale() == "ru"
    finally:
        context.close()
    assert not errors

    # Another browser asking for Kazakh: the account's choice, Russian, decides once signed in.
    other = browser.new_context(locale="kk-KZ")
    page = other.new_page()
    try:
        page.goto(f"{translated_server}/login")
        assert page.locator("html").get_attribute("lang") == "kk"  # Accept-Language, before signing in
        sign_in(page, translated_server, LOGIN)
        assert page.locator("html").get_attribute("lang") == "ru"
    finally:
        other.close()
