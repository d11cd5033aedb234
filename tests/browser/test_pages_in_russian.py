"""Every page of the demo rendered in Russian (and Kazakh) holds no English sentence of the catalogue:
a string shown to a user that is marked but rendered without gettext, or rendered before the
language was chosen, would appear here in English."""
from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import TEST_PASSWORD

ROOT = Path(__file__).resolve().parents[2]
PAGES = ["/", "/dispatch", "/dispatch/plan", "/supervise", "/supervise/reports", "/analysis", "/analysis/evaluation", "/reports",
         "/reports/new", "/downloads", "/account/tokens", "/quarterly", "/audit", "/no/such/page"]
# scripts, and the audit log's stored records (<pre>: JSON as it was written, data not interface)
SCRIPT = re.compile(r"<(script|style|pre)\b.*?</\1>", re.S | re.I)
TAG = re.compile(r"<[^>]+>")
ATTRIBUTES = re.compile(r'\b(?:title|placeholder|aria-label|alt)="([^"]*)"')


def shown_text(page: str) -> str:
    """The text a reader sees (and hears): text nodes and the labelling attributes, scripts and
    stored records left out."""
    body = SCRIPT.sub(" ", page)
    words = [TAG.sub(" ", body), *ATTRIBUTES.findall(body)]
    return " ".join(html.unescape(" ".join(words)).split())


def sentences(locale: str) -> list[str]:
    """The catalogue's English msgids of two words or more, with no placeholder, whose translation
    differs from them (names and codes such as "GeoJSON" or "kuzet" read the same in every language)."""
    with open(ROOT / "web" / "translations" / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        catalogue = read_po(f)
    found = []
    for message in catalogue:
        if not message.id or isinstance(message.id, tuple) or "%" in message.id or " " not in message.id.strip():
            continue
        if message.string and message.string != message.id:
            found.append(" ".join(message.id.split()))
    return found


@pytest.mark.parametrize("locale", ["ru", "kk"])
def test_no_english_sentence_of_the_catalogue_is_left_on_any_page(demo_app, locale):
    client = demo_app.test_client()
    client.set_cookie("kuzet_locale", locale)
    login = client.get("/login").get_data(as_text=True)
    assert f'<html lang="{locale}"' in login
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    signed = client.post("/login", data={"login": "admin", "password": TEST_PASSWORD, "csrf_token": token})
    assert signed.status_code == 302, signed.data[:300]
    english = sentences(locale)
    assert len(english) > 300  # the catalogue was read
    left = {}
    for path in ["/login", *PAGES]:
        if path == "/login":
            text = shown_text(login)
        else:
            answer = client.get(path)
            assert answer.status_code in (200, 404), (path, answer.status_code)
            text = shown_text(answer.get_data(as_text=True))
        found = [s for s in english if re.search(r"(?<![\w])" + re.escape(s) + r"(?![\w])", text)]
        if found:
            left[path] = found
    assert left == {}
