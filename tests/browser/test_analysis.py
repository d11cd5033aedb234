"""The analyst's page in headless chromium: run Gi* and KDE on the demo, see the map, legend and table."""
from __future__ import annotations

import os
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.browser

SCREENSHOT = os.environ.get("KUZET_ANALYSIS_SCREENSHOT")  # e.g. /tmp/kuzet-analysis.png, to look at the page
FIND_MAP = "Object.values(window).find(v => v instanceof L.Map)"


def coloured(watched) -> int:
    """How many cells the map has drawn from the run's vector tiles (kuzet-cells.js counts them on
    <body data-tile-features-analysis>); the cells are never in the page itself."""
    page = watched.page
    page.locator("body[data-tile-features-analysis]").wait_for(state="attached", timeout=30_000)
    run_id = page.locator("#result").get_attribute("data-run")
    assert any(f"/tiles/analysis/{run_id}/" in url for url in watched.requests)
    return int(page.locator("body").get_attribute("data-tile-features-analysis"))


def open_page(watched, live_server):
    page = watched.page
    page.goto(live_server + "/analysis", wait_until="networkidle")
    page.wait_for_selector("#analysis-form")
    return page


def run(page, method: str = "gi_star", **fields) -> None:
    page.select_option("select[name=method]", method)
    for name, value in fields.items():
        page.fill(f"input[name={name}]", str(value))
    with page.expect_navigation(url="**/analysis?run=*", timeout=60_000):
        page.click("#run")
        # the run takes a few hundred milliseconds on the demo: long enough to see the progress line
        assert page.locator("#progress").is_visible() and "Running" in page.locator("#status").inner_text()
        assert page.locator("#run").is_disabled()
    page.wait_for_selector("#result")
    page.wait_for_load_state("networkidle")


def outside(watched) -> list[str]:
    return [url for url in watched.requests
            if not url.startswith(("data:", "blob:")) and urlsplit(url).hostname != "127.0.0.1"]


def test_gi_star_on_the_demo_draws_a_choropleth_with_a_legend_naming_confidence_and_fdr(watched, live_server):
    page = open_page(watched, live_server)
    page.click("details summary")  # the categories fold away
    page.check("input[name=categories][value=theft]")
    run(page, "gi_star", cell_size_m=300)
    legend = page.locator(".kuzet-legend")
    assert legend.is_visible()
    text = legend.inner_text()
    assert "Gi*" in text and "confidence 99 %" in text and "false discovery rate" in text
    assert coloured(watched) > 0
    assert page.locator(".leaflet-kuzetCells-pane svg path").count() >= 1  # the cells, drawn from their tiles
    assert page.locator("table.hotspots tbody tr").count() >= 1
    # the top hot spot's row centres the map on its cell; the cell's tooltip comes from its tile
    page.locator("table.hotspots tbody tr").first.click()
    page.wait_for_load_state("networkidle")
    box = page.locator(".folium-map").bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2 + 1, box["y"] + box["height"] / 2 + 1)
    tip = page.locator(".leaflet-tooltip", has_text="Hot spot, confidence 99 %")
    tip.wait_for(timeout=10_000)
    assert "Incidents: " in tip.inner_text() and "p after FDR: " in tip.inner_text()
    assert page.locator("figure.chart rect").count() > 30  # one bar per day of the demo's months
    assert "synthetic demo data" in page.locator(".synthetic-note").inner_text()
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT)
    assert watched.errors == []
    assert outside(watched) == []


def test_kde_shows_density_bands_in_incidents_per_km2(watched, live_server):
    page = open_page(watched, live_server)
    run(page, "kde", bandwidth_m=400, kde_cell_size_m=40)
    assert "incidents per km²" in page.locator(".kuzet-legend").inner_text()
    assert coloured(watched) >= 3
    assert page.locator("script[src*='heat']").count() == 0  # a density surface, not Leaflet.heat
    if SCREENSHOT:
        page.screenshot(path=SCREENSHOT.replace(".png", "-kde.png"))
    assert watched.errors == []


def test_a_polygon_drawn_on_the_map_becomes_the_area_of_the_run(watched, live_server):
    page = open_page(watched, live_server)
    page.evaluate(f"""() => {{
        const map = {FIND_MAP};
        const layer = L.rectangle([[43.225, 76.90], [43.27, 76.96]]);
        map.fire("draw:created", {{layer: layer, layerType: "rectangle"}});
    }}""")
    assert page.input_value("select[name=area]") == "polygon"
    run(page, "gi_star", cell_size_m=200)
    assert "drawn polygon" in page.locator("#result").inner_text()
    assert watched.errors == []


def test_a_bad_request_says_why_and_stays_on_the_form(watched, live_server):
    page = open_page(watched, live_server)
    page.fill("input[name=start]", "2026-10-01")
    page.fill("input[name=end]", "2026-09-01")
    page.click("#run")
    page.locator("#analysis-error", has_text="must come after start").wait_for(timeout=30_000)
    assert page.locator("#progress").is_hidden()
    assert "run=" not in page.url


def test_grid_options_chosen_in_the_form_reach_the_run_and_come_back(watched, live_server):
    page = open_page(watched, live_server)
    page.select_option("select[name=extent]", "layer")
    run(page, "gi_star", cell_size_m=400, crs=32643, origin_x=100, origin_y=50)
    assert page.input_value("select[name=extent]") == "layer"
    assert page.input_value("input[name=crs]") == "32643"
    assert (page.input_value("input[name=origin_x]"), page.input_value("input[name=origin_y]")) == ("100", "50")
    assert page.locator("table.hotspots tbody tr").count() >= 1
    assert watched.errors == []


def test_a_geographic_crs_is_refused_on_the_form_with_the_reason(watched, live_server):
    page = open_page(watched, live_server)
    page.fill("input[name=crs]", "4326")
    page.click("#run")
    # the page's CSP allows no eval, so wait on the element, not on a JavaScript expression
    page.locator("#analysis-error", has_text="is geographic, in degrees").wait_for(timeout=30_000)
    assert "run=" not in page.url


def test_the_page_warns_before_a_run_whose_permutations_cannot_reach_significance(watched, live_server):
    page = open_page(watched, live_server)
    assert page.locator("#reach").is_hidden()  # 0 permutations by default: analytic p, nothing to say
    page.fill("input[name=cell_size_m]", "100")
    page.fill("input[name=permutations]", "99")
    page.locator("#reach").wait_for(state="visible", timeout=15_000)
    text = page.locator("#reach").inner_text()
    assert "99 permutations" in text and "analytic p-values" in text
    page.fill("input[name=permutations]", "0")
    page.locator("#reach").wait_for(state="hidden", timeout=15_000)
    assert watched.errors == []
