"""web/static/i18n.js in chromium: the plural rules (ru three forms, kk and en two, as the catalogues'
Plural-Forms say) and gettext/ngettext over a catalogue, without a server."""
from __future__ import annotations

import gettext
import json

import pytest
from babel.messages.plurals import get_plural

from web.i18n import STATIC

pytestmark = pytest.mark.browser

SOURCE = (STATIC / "i18n.js").read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    page.set_content('<script type="application/json" id="kuzet-i18n">' + json.dumps({
        "locale": "ru", "messages": {
            "Confirm": "Подтвердить",
            "%(num)d proposal": ["%(num)d предложение", "%(num)d предложения", "%(num)d предложений"],
            "Assignment %(id)s confirmed.": "Назначение %(id)s подтверждено."}}) + "</script>")
    page.add_script_tag(content=SOURCE)
    yield page
    context.close()


def plural_index(page, locale: str, n: int) -> int:
    return page.evaluate("([locale, n]) => window.kuzetI18n.pluralIndex(locale, n)", [locale, n])


@pytest.mark.parametrize("n, form", [(1, 0), (2, 1), (5, 2), (11, 2), (21, 0), (22, 1), (25, 2),
                                     (0, 2), (12, 2), (14, 2), (104, 1), (111, 2), (1001, 0)])
def test_the_russian_plural_rule(page, n, form):
    assert plural_index(page, "ru", n) == form


@pytest.mark.parametrize("locale", ["ru", "kk", "en"])
def test_the_rules_agree_with_the_catalogues_plural_forms(page, locale):
    nplurals, expression = get_plural(locale)
    rule = gettext.c2py(expression)
    for n in list(range(0, 130)) + [1000, 1001, 1002, 1005, 1011, 1021]:
        assert plural_index(page, locale, n) == rule(n), (locale, n)
    assert nplurals == (3 if locale == "ru" else 2)


def test_gettext_translates_and_fills_named_fields(page):
    assert page.evaluate("() => gettext('Confirm')") == "Подтвердить"
    assert page.evaluate("() => gettext('Assignment %(id)s confirmed.', {id: 7})") == "Назначение 7 подтверждено."
    assert page.evaluate("() => gettext('Not in the catalogue: %(x)s', {x: 'ok'})") == "Not in the catalogue: ok"


@pytest.mark.parametrize("n, text", [(1, "1 предложение"), (3, "3 предложения"), (11, "11 предложений"),
                                     (21, "21 предложение")])
def test_ngettext_picks_the_russian_form_and_supplies_num(page, n, text):
    assert page.evaluate("(n) => ngettext('%(num)d proposal', '%(num)d proposals', n)", n) == text


def test_ngettext_without_a_translation_uses_the_english_forms(page):
    assert page.evaluate("() => [ngettext('%(num)d day', '%(num)d days', 1), ngettext('%(num)d day', '%(num)d days', 2)]") \
        == ["1 day", "2 days"]
