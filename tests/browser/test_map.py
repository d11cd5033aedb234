"""The map page in a real headless chromium: it draws the layers, logs no error, stays on 127.0.0.1."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

SCREENSHOT = os.environ.get("KUZET_MAP_SCREENSHOT")  # e.g. /tmp/kuzet-map.png, to look at the page

FIND_MAP = "Object.values(window).find(v => v instanceof L.Map)"


def open_map(watched, live_server):
    page = watched.page
    page.goto(live_server + "/", wait_until="networkidle")
    page.wait_for_selector(".leaflet-control-layers")
    return page


def test_the_map_draws_the_district_layer_and_lists_every_overlay(watched, live_server):
    page = open_map(watched, live_server)
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    assert any(label.strip() == "Districts" for label in labels), labels
    assert any("Patrol zones" in label for label in labels), labels
    # The districts come from their vector tiles (added once the incidents have drawn): every one of
    # the demo's eight districts lies in the opening view, each drawn in one tile or more.
    page.locator("body[data-tile-features-district]").wait_for(state="attached", timeout=15000)
    page.wait_for_load_state("networkidle")
    assert int(page.locator("body").get_attribute("data-tile-features-district")) >= 8
    assert page.locator(".leaflet-overlay-pane canvas").count() >= 1
    assert page.locator(".kuzet-legend").is_visible()
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT)
    assert watched.errors == []


def test_the_page_requests_nothing_outside_127_0_0_1(watched, live_server):
    open_map(watched, live_server)
    outside = [url for url in watched.requests
               if not url.startswith("data:") and urlsplit(url).hostname != "127.0.0.1"]
    assert watched.requests and outside == []
    assert watched.errors == []


def hover(page, lat: float, lon: float, zoom: int = 16) -> None:
    """Centre the map on lat, lon, wait for its tiles, and move the pointer there."""
    page.evaluate(f"""() => {{ {FIND_MAP}.setView([{lat}, {lon}], {zoom}, {{animate: false}}); }}""")
    page.wait_for_load_state("networkidle")
    box = page.locator(".folium-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2 + 1, box["y"] + box["height"] / 2 + 1)


def test_a_hostile_zone_name_shows_as_text_in_its_tooltip(watched, live_server, hostile_name):
    page = open_map(watched, live_server)
    # patrol zones come from their vector tiles; kuzet-tiles.js writes their tooltips as text
    hover(page, 43.06, 76.81)
    tooltip = page.locator(".leaflet-tooltip", has_text="onerror")
    tooltip.wait_for()
    assert hostile_name in tooltip.inner_text()
    assert page.locator('img[src="x"]').count() == 0
    assert any("/tiles/patrol_zone/" in url for url in watched.requests)
    assert watched.errors == []


def test_an_events_tooltip_comes_from_its_tile_with_times_in_the_areas_zone(watched, live_server):
    import re
    from datetime import datetime
    from zoneinfo import ZoneInfo

    page = open_map(watched, live_server)
    hover(page, 43.23829, 76.92417)  # the demo's football match
    tooltip = page.locator(".leaflet-tooltip", has_text="Kairat")
    tooltip.wait_for()
    shown = re.search(r"Starts: (\S+ \S+)", tooltip.inner_text()).group(1)
    event = page.request.get(live_server + "/api/v1/layers/event?limit=100").json()
    match = next(f for f in event["features"] if f["properties"]["name"].startswith("Kairat"))
    starts = datetime.fromisoformat(match["properties"]["starts_at"]).astimezone(ZoneInfo("Asia/Almaty"))
    assert shown == starts.strftime("%Y-%m-%d %H:%M")
    assert any("/tiles/event/" in url for url in watched.requests)
    assert watched.errors == []


def test_the_map_draws_incidents_from_vector_tiles(watched, live_server):
    page = open_map(watched, live_server)
    # kuzet-tiles.js counts the incident features it draws on <body data-tile-features-incident>.
    page.locator("body[data-tile-features-incident]").wait_for(timeout=15000)
    tiles = [url for url in watched.requests if "/tiles/incident/" in url and url.endswith(".mvt")]
    assert tiles, watched.requests
    assert int(page.locator("body").get_attribute("data-tile-features-incident")) > 0
    assert watched.errors == []


def test_the_incident_tiles_are_asked_for_first_and_drawn_above_the_basemap(watched, live_server):
    page = open_map(watched, live_server)
    page.locator("body[data-tile-features-incident]").wait_for(timeout=15000)
    first = {kind: next(i for i, url in enumerate(watched.requests) if f"/tiles/{kind}/" in url)
             for kind in ("incident", "basemap")}
    assert first["incident"] < first["basemap"], watched.requests
    order = page.evaluate(f"""() => {{
        const map = {FIND_MAP};
        const z = {{}};
        map.eachLayer(l => {{
            for (const kind of ["incident", "basemap"])
                if (l._url && l._url.includes("/tiles/" + kind + "/")) z[kind] = Number(getComputedStyle(l.getContainer()).zIndex);
        }});
        return z;
    }}""")
    assert order["basemap"] < order["incident"], order
    assert watched.errors == []


def test_the_incidents_draw_first_and_every_other_layer_follows_ticked(watched, live_server):
    """The incidents' tile layer leads: the areas' layers and the basemap are added once it has drawn,
    and each is then on the map and ticked in the layer control as if added at once."""
    page = open_map(watched, live_server)
    for layer in ("district", "police_unit", "patrol_zone"):
        page.locator(f"body[data-tile-features-{layer.replace('_', '-')}]").wait_for(state="attached",
                                                                                        timeout=15000)
    first = page.evaluate("""() => ["incident", "district", "police_unit", "patrol_zone"].map(
        n => performance.getEntriesByName("kuzet-first-feature-" + n)[0].startTime)""")
    assert first[0] < min(first[1:]), first
    ticked = page.evaluate("""() => Array.from(document.querySelectorAll(
        ".leaflet-control-layers-overlays label")).map(
            l => [l.innerText.trim(), l.querySelector("input").checked])""")
    ticked = dict(ticked)
    assert ticked["Districts"] and ticked["Police units"] and ticked["Patrol zones"] and ticked["Incidents"]
    assert not ticked["Analysis areas"]  # hidden by default stays hidden
    page.wait_for_load_state("networkidle")
    assert page.locator(".leaflet-tile-pane canvas.leaflet-tile").count() > 0  # the basemap's tiles
    assert watched.errors == []
