"""Errors answer a stable ``code`` and the ``message`` in the reader's language (``error`` kept).

The catalogue here is compiled in the test from a few entries (the project's ru and kk catalogues
come from their translators): it shows the message is looked up by its msgid in the request's locale
while the code stays the same.
"""
from __future__ import annotations

import pytest
from babel.messages.catalog import Catalog
from babel.messages.mofile import write_mo

from tests.conftest import add_user, make_app, sign_in

LIMIT = "%(name)s must be a whole number from %(low)d to %(high)d, got %(value)d"
RUSSIAN = {LIMIT: "%(name)s: нужно целое число от %(low)d до %(high)d, дано %(value)d",
           "unknown parameter %(key)r; the queryables of %(name)s are: %(queryable)s":
               "неизвестный параметр %(key)r; у %(name)s есть: %(queryable)s",
           "date must be YYYY-MM-DD, got %(raw)s": "дата пишется ГГГГ-ММ-ДД, дано %(raw)s"}


def catalogue(folder, locale: str, texts: dict[str, str]) -> str:
    catalog = Catalog(locale=locale)
    for msgid, text in texts.items():
        catalog.add(msgid, text)
    (folder / locale / "LC_MESSAGES").mkdir(parents=True)
    with (folder / locale / "LC_MESSAGES" / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    return str(folder)


@pytest.fixture
def russian(connection, session, tmp_path):
    """A client signed in as an administrator, reading Russian."""
    app = make_app(connection, LOCALE="ru",
                   BABEL_TRANSLATION_DIRECTORIES=catalogue(tmp_path, "ru", RUSSIAN))
    add_user(session, "chitatel", ["admin"])
    session.commit()
    client = sign_in(app.test_client(), "chitatel")
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "ru"
    return client


def test_an_api_error_answers_its_code_and_message(client):
    r = client.get("/api/v1/layers/district?offset=2147483648")
    body = r.get_json()
    assert r.status_code == 400
    assert body["code"] == "web.bodies.whole-number-range"
    assert body["message"] == body["error"] == "offset must be a whole number from 0 to 2147483647, got 2147483648"


def test_an_api_error_is_in_the_readers_language_with_the_same_code(russian):
    r = russian.get("/api/v1/layers/district?offset=2147483648")
    body = r.get_json()
    assert r.status_code == 400 and body["code"] == "web.bodies.whole-number-range"
    assert body["message"] == body["error"] == "offset: нужно целое число от 0 до 2147483647, дано 2147483648"


def test_an_ogc_error_keeps_its_ogc_code_and_adds_kuzets(client, russian):
    for reader, text in ((client, "unknown parameter 'colour'"), (russian, "неизвестный параметр 'colour'")):
        body = reader.get("/ogc/collections/incident/items?colour=red").get_json()
        assert body["code"] == "InvalidParameterValue"
        assert body["message_code"] == "collections.unknown-parameter-queryables"
        assert body["description"] == body["message"] == body["error"] and body["message"].startswith(text)


def test_an_http_error_has_a_code_too(client):
    body = client.get("/api/v1/no-such-thing").get_json()
    assert body["code"] == "not-found" and body["message"] == body["error"]


def test_an_error_page_is_in_the_readers_language(client, russian):
    for reader, text in ((client, "date must be YYYY-MM-DD, got soon"), (russian, "дата пишется ГГГГ-ММ-ДД, дано soon")):
        r = reader.get("/dispatch?date=soon")
        assert r.status_code == 400 and r.mimetype == "text/html"
        assert text in r.get_data(as_text=True)
