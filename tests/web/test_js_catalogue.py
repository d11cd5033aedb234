"""The JavaScript strings: every msgid of web/static/*.js is in messages.pot, and the page's JSON
catalogue (embedded before every script, and at /i18n/<locale>.json) holds their translations."""
from __future__ import annotations

import json
import re

import pytest
from babel.messages.pofile import read_po

from web import i18n
from web.i18n import TRANSLATIONS, js_msgids

from tests.conftest import make_app
from tests.support.catalogues import directories, write_catalogue

NOT_JS = "Sign in to kuzet"  # a template's msgid: not part of the JavaScript catalogue


def kk(msgid: str) -> str:
    return f"[kk] {msgid}"


@pytest.fixture
def kk_app(connection, tmp_path):
    """The app with a test-only kk catalogue translating every JavaScript msgid (and one other)."""
    messages = {msgid: kk(msgid) if isinstance(msgid, str) else [kk(msgid[0]), kk(msgid[1])]
                for msgid in js_msgids()}
    messages[NOT_JS] = kk(NOT_JS)
    write_catalogue(tmp_path, "kk", messages)
    return make_app(connection, BABEL_TRANSLATION_DIRECTORIES=directories(tmp_path))


def test_the_page_scripts_mark_their_strings():
    singulars = {m if isinstance(m, str) else m[0] for m in js_msgids()}
    assert {"Give a reason to reject.", "Assignment %(id)s confirmed.", "Assignment %(id)s rejected."} <= singulars


def test_every_javascript_msgid_is_in_messages_pot():
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        pot = read_po(f)
    missing = [m for m in js_msgids() if (m if isinstance(m, str) else m[0]) not in pot]
    assert not missing, f"not in messages.pot (run `make messages`): {missing}"
    js_located = {m.id if isinstance(m.id, str) else m.id[0] for m in pot
                  if any(path.startswith("web/static/") for path, _line in m.locations)}
    assert js_located == {m if isinstance(m, str) else m[0] for m in js_msgids()}


def test_the_json_catalogue_holds_the_translation_of_every_javascript_msgid(kk_app):
    answer = kk_app.test_client().get("/i18n/kk.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    assert answer.cache_control.public and answer.cache_control.max_age > 0
    body = answer.get_json()
    assert body["locale"] == "kk"
    for msgid in js_msgids():
        assert body["messages"][msgid] == kk(msgid)
    assert NOT_JS not in body["messages"]  # only what the scripts use


def test_untranslated_strings_are_left_out_of_the_catalogue(app):
    assert app.test_client().get("/i18n/en.json").get_json()["messages"] == {}


def test_an_unknown_language_has_no_catalogue(app):
    answer = app.test_client().get("/i18n/xx.json")
    assert answer.status_code == 404 and "Unknown language" in answer.get_json()["error"]


def test_a_plural_msgid_carries_every_form_of_the_language(connection, tmp_path, monkeypatch):
    pair = ("%(num)d proposed assignment", "%(num)d proposed assignments")
    forms = ["%(num)d предложенное назначение", "%(num)d предложенных назначения", "%(num)d предложенных назначений"]
    monkeypatch.setattr(i18n, "js_msgids", lambda: (pair, "Confirm"))
    write_catalogue(tmp_path, "ru", {pair: forms, "Confirm": "Подтвердить"})
    app = make_app(connection, BABEL_TRANSLATION_DIRECTORIES=directories(tmp_path))
    body = app.test_client().get("/i18n/ru.json").get_json()
    assert body["messages"] == {pair[0]: forms, "Confirm": "Подтвердить"}


def test_every_page_embeds_its_catalogue_before_any_other_script(kk_app, session):
    from tests.conftest import add_user, sign_in

    add_user(session, "admin", ["admin"])
    session.commit()
    browser = sign_in(kk_app.test_client(), "admin")
    browser.set_cookie("kuzet_locale", "kk")
    for path in ("/login", "/", "/supervise", "/reports"):
        page = browser.get(path).get_data(as_text=True)
        embedded = re.search(r'<script type="application/json" id="kuzet-i18n">(.*?)</script>', page, re.S)
        assert embedded, path
        assert json.loads(embedded.group(1)) == browser.get("/i18n/kk.json").get_json()
        scripts = [m.start() for m in re.finditer(r"<script", page)]
        # the catalogue's data first, then i18n.js, then every other script (folium's in the head too)
        assert embedded.start() == scripts[0], path
        assert page.index('<script src="/static/i18n.js">') == scripts[1], path
