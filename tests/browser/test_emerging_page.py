"""Emerging hot spots in headless chromium: run from /analysis on the demo, see the patterns, click a cell."""
from __future__ import annotations

import pytest

from tests.browser.test_analysis import FIND_MAP, coloured, open_page, outside

pytestmark = pytest.mark.browser


def click_cell(page, lat: float, lon: float, zoom: int = 15) -> None:
    """Centre the map on a point once its opening zoom animation has ended (a view set during it is
    undone), wait for the run's tiles of that view, and click the point with the mouse."""
    page.evaluate(f"""([lat, lon, zoom]) => new Promise(done => {{
        const map = {FIND_MAP};
        const centre = () => {{ map.setView([lat, lon], zoom, {{animate: false}}); done(); }};
        if (map._animatingZoom) map.once("zoomend", centre); else centre();
    }})""", [lat, lon, zoom])
    page.evaluate("""() => new Promise(done => {
        const setup = JSON.parse(document.getElementById("analysis-setup").textContent);
        const layer = window[setup.result];
        if (!layer || !layer.isLoading()) { done(); return; }
        layer.once("load", done);
        setTimeout(done, 10000);
    })""")
    page.wait_for_timeout(300)
    x, y = page.evaluate(f"""([lat, lon, zoom]) => {{
        const map = {FIND_MAP};
        if (map.getZoom() !== zoom) map.setView([lat, lon], zoom, {{animate: false}});
        const p = map.latLngToContainerPoint([lat, lon]);
        const box = map.getContainer().getBoundingClientRect();
        return [box.left + p.x, box.top + p.y];
    }}""", [lat, lon, zoom])
    page.mouse.click(x, y)


def test_an_emerging_run_from_the_page_maps_patterns_and_a_clicked_cell_shows_its_series(watched, live_server):
    page = open_page(watched, live_server)
    page.select_option("select[name=method]", "emerging")
    assert page.locator("fieldset.for-emerging").is_visible()
    assert not page.locator("fieldset.for-kde").is_visible()
    page.select_option("select[name=time_step]", "week")
    page.fill("input[name=time_window]", "1")
    page.fill("input[name=cell_size_m]", "500")
    with page.expect_navigation(url="**/analysis?run=*", timeout=90_000):
        page.click("#run")
    page.wait_for_selector("#result[data-method=emerging]")
    page.wait_for_load_state("networkidle")
    legend = page.locator(".kuzet-legend").inner_text()
    assert "Emerging hot spots" in legend and "hot spot" in legend
    assert coloured(watched) > 0
    assert page.locator("table.patterns tbody tr").count() >= 1
    assert page.locator("select[name=method]").input_value() == "emerging"  # the form keeps the run's options
    top = page.locator("tr[data-cell]").first
    lat, lon = float(top.get_attribute("data-lat")), float(top.get_attribute("data-lon"))
    cell = top.get_attribute("data-cell")
    click_cell(page, lat, lon)
    page.locator(f"#emerging-series[data-cell='{cell}'] h3").wait_for(timeout=15_000)
    assert page.locator("#emerging-series circle.series-z").count() >= 10  # one z point per week of the demo's months
    assert page.locator("#emerging-series rect.series-count").count() >= 1
    heading = page.locator("#emerging-series h3").inner_text()
    assert f"Cell {cell}" in heading and "hot spot" in heading
    assert "Trend of counts" in page.locator("#emerging-series p").inner_text()
    assert watched.errors == []
    assert outside(watched) == []
