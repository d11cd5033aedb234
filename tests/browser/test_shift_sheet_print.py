"""The printable shift sheet in a real chromium: it passes the Content-Security-Policy, asks nothing of
another host, and prints (Playwright's ``page.pdf``, chromium's own print) to exactly one A4 page."""
from __future__ import annotations

import re
import subprocess

import pytest

from tests.browser.test_csp import _violations, _visit, _watched
from tests.browser.test_leader import LOGINS, people  # noqa: F401 (a leader with shifts, removed after)

pytestmark = pytest.mark.browser


def _pdfinfo(pdf: bytes) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return {k.strip(): v.strip() for k, v in (line.split(":", 1) for line in out.splitlines() if ":" in line)}


def _a4(info: dict[str, str]) -> bool:
    width, height = map(float, re.match(r"([\d.]+) x ([\d.]+) pts", info["Page size"]).groups())
    return abs(width - 595.28) < 1 and abs(height - 841.89) < 1


def test_the_leaders_sheet_passes_the_policy_and_prints_on_one_a4_page(browser, live_server, people):  # noqa: F811
    context, w = _watched(browser, live_server, LOGINS["leader"])
    try:
        path = f"/assignments/{people.acknowledge}/sheet"
        _visit(w.page, live_server, path, w.errors, draws_map=False)
        page = w.page
        assert page.locator("article.sheet svg.sheet-map path").count() >= 2  # the target and streets
        assert page.locator(".sheet-toolbar").is_visible()
        assert not [u for u in w.requests if not u.startswith(live_server)]  # nothing from another host
        page.emulate_media(media="print")
        assert not page.locator(".sheet-toolbar").is_visible()  # the toolbar does not print
        pdf = page.pdf(prefer_css_page_size=True, print_background=True)
        info = _pdfinfo(pdf)
        assert info["Pages"] == "1" and _a4(info)
        text = subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
        assert f"№ {people.acknowledge}" in text and "Order 641, Rules item 8.1" in text
        assert _violations(page, w.errors) == [] and not [e for e in w.errors if "pageerror" in e]
    finally:
        context.close()


def test_the_dispatchers_day_sheets_pass_the_policy_one_page_per_shift(browser, live_server, people):  # noqa: F811
    context, w = _watched(browser, live_server, LOGINS["dispatcher"])
    try:
        _visit(w.page, live_server, f"/dispatch/sheets?date={people.day.isoformat()}", w.errors, draws_map=False)
        sheets = w.page.locator("article.sheet").count()
        assert sheets >= 2  # the leader's confirmed and proposed shifts of that day
        w.page.emulate_media(media="print")
        info = _pdfinfo(w.page.pdf(prefer_css_page_size=True))
        assert info["Pages"] == str(sheets) and _a4(info)
    finally:
        context.close()


@pytest.mark.parametrize("who, path, content", [("leader", "/my/shifts", "article.shift"),
                                                ("dispatcher", "/dispatch", ".leaflet-container")])
def test_other_pages_print_without_navigation_or_buttons(browser, live_server, people, who, path,  # noqa: F811
                                                         content):
    context, w = _watched(browser, live_server, LOGINS[who])
    try:
        w.page.goto(live_server + path, wait_until="networkidle")
        assert w.page.locator(".topbar .pages").is_visible()
        w.page.emulate_media(media="print")
        assert not w.page.locator(".topbar .pages").is_visible()
        assert not w.page.locator(".locale-switch").is_visible()
        assert all(not b.is_visible() for b in w.page.locator("button").all())
        assert w.page.locator(content).first.is_visible()  # the content still prints
    finally:
        context.close()
