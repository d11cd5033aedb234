"""The offline basemap in a real chromium: its tiles load from this server on the overview map and on
a leader's phone page, and nothing is requested outside 127.0.0.1."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

from tests.browser.conftest import watch
from tests.browser.test_leader import LOGINS, PHONE, people  # noqa: F401 (a leader with shifts, removed after)

pytestmark = pytest.mark.browser

SCREENSHOTS = os.environ.get("KUZET_BASEMAP_SCREENSHOTS")  # a folder, e.g. /tmp/kuzet-shots


def _tiles(page, url: str) -> list[tuple[int, int]]:
    """Open ``url`` and wait for the basemap's canvases; (status, bytes sent) of each basemap tile (the
    Content-Length: chromium does not keep the bodies of the fetches VectorGrid reads)."""
    answers = []
    page.on("response", lambda r: answers.append(r) if "/tiles/basemap/" in r.url else None)
    page.goto(url, wait_until="networkidle")
    page.locator(".leaflet-tile-pane canvas").first.wait_for(state="attached")
    # the basemap is fetched after the data layers' tiles, at low priority: on a busy machine the
    # network can fall idle before its first requests, so wait for them (up to 20 s) and their end
    for _ in range(80):
        if len(answers) >= 4:
            break
        page.wait_for_timeout(250)
    page.wait_for_load_state("networkidle")
    return [(r.status, int(r.headers.get("content-length", 0))) for r in answers]


def _outside(requests: list[str]) -> list[str]:
    return [u for u in requests if not u.startswith(("data:", "blob:")) and urlsplit(u).hostname != "127.0.0.1"]


def test_the_overview_map_draws_basemap_tiles_from_this_server(browser, live_server):
    context, w = watch(browser, live_server, "admin")
    try:
        tiles = _tiles(w.page, live_server + "/")
        assert len(tiles) >= 4 and all(status == 200 for status, _n in tiles), tiles
        assert sum(1 for _s, n in tiles if n > 0) >= 4
        assert "OpenStreetMap" in w.page.locator(".leaflet-control-attribution").inner_text()
        assert w.page.locator(".kuzet-street-label").count() == 0  # names only at high zoom
        if SCREENSHOTS:
            w.page.screenshot(path=os.path.join(SCREENSHOTS, "basemap-overview.png"))
        w.page.evaluate("() => Object.values(window).find(v => v instanceof L.Map)"
                        ".setView([43.2567, 76.9286], 16, {animate: false}) && null")
        w.page.locator(".kuzet-street-label", has_text="ул.").first.wait_for()
        if SCREENSHOTS:
            w.page.screenshot(path=os.path.join(SCREENSHOTS, "basemap-z16.png"))
        assert _outside(w.requests) == [] and w.errors == []
    finally:
        context.close()


def test_a_leaders_phone_page_draws_basemap_tiles_too(browser, live_server, people):  # noqa: F811
    context, w = watch(browser, live_server, LOGINS["leader"], viewport=PHONE, is_mobile=True, has_touch=True)
    try:
        tiles = _tiles(w.page, live_server + "/my/shifts")
        assert tiles and all(status == 200 for status, _n in tiles), tiles
        assert any(n > 0 for _s, n in tiles)
        assert _outside(w.requests) == [] and w.errors == []
        if SCREENSHOTS:
            w.page.screenshot(path=os.path.join(SCREENSHOTS, "basemap-my-shifts.png"), full_page=True)
    finally:
        context.close()
