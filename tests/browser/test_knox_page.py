"""The near repeat (Knox) method on the analyst's page in headless chromium: run it on the demo, see the table."""
from __future__ import annotations

import pytest

from tests.browser.test_analysis import open_page, outside

pytestmark = pytest.mark.browser


def test_knox_runs_from_the_analysis_page_and_opens_its_table(watched, live_server):
    page = open_page(watched, live_server)
    page.select_option("select[name=method]", "knox")
    assert page.locator(".for-knox").is_visible() and not page.locator(".for-cells").is_visible()
    page.fill("input[name=band_m]", "200")
    page.fill("input[name=bands]", "3")
    page.fill("input[name=knox_permutations]", "19")
    page.fill("input[name=knox_seed]", "5")
    with page.expect_navigation(url="**/analysis/knox/*", timeout=60_000):
        page.click("#run")
    page.wait_for_selector("table.knox")
    headers = page.locator("table.knox tbody th").all_inner_texts()
    assert headers == ["Same location", "1 to 200 m", "201 to 400 m", "401 to 600 m", "more than 600 m"]
    columns = page.locator("table.knox thead th").all_inner_texts()
    assert columns[1:3] == ["0 to 7 days", "8 to 14 days"] and columns[-1] == "more than 35 days"
    assert page.locator("table.knox tbody td").count() == 5 * 6
    assert page.locator(".knox-plain li").count() >= 1
    assert "permutations of the dates (seed 5)" in page.locator("main").inner_text()
    csv_link = page.locator("a[download]").get_attribute("href")
    answer = page.request.get(live_server + csv_link)
    assert answer.ok and answer.text().startswith("run_id,method,distance_from_m")
    assert watched.errors == []
    assert outside(watched) == []


def test_a_bad_band_is_refused_with_its_reason_on_the_page(watched, live_server):
    page = open_page(watched, live_server)
    page.select_option("select[name=method]", "knox")
    page.fill("input[name=band_m]", "0")
    page.click("#run")
    error = page.locator("#analysis-error", has_text="band_m")
    error.wait_for(timeout=10_000)  # the strict CSP allows no eval: wait on a locator, not a JS predicate
    assert "from 1 to 5000" in error.inner_text()
    assert "/analysis/knox/" not in page.url
