"""The dispatcher's and the supervisor's pages: local assets, clickable targets, escaped names."""
from __future__ import annotations

import json
import re

import pytest
from shapely.geometry import box

from geo.db.models import PatrolZone

from tests.support.dispatch_world import build, wkb
from tests.web.test_map_page import ESCAPED, XSS, geojson_layers, loaded_urls


@pytest.fixture(scope="module")
def world(module_session):
    """The dispatch world and a hostile zone, built once for the module."""
    w = build(module_session)
    module_session.add(PatrolZone(name=XSS, police_unit_id=w.unit, geom=wkb(box(76.95, 43.26, 76.96, 43.27))))
    module_session.commit()
    return w


def setup_of(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="dispatch-setup">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def test_the_dispatch_page_draws_targets_and_the_days_assignments(client, world):
    created = client.post("/api/v1/assignments", json={
        "formation_id": world.formation, "target_kind": "event", "target_id": world.event, "activity": "8.1",
        "starts_at": "2026-12-05T18:00", "ends_at": "2026-12-05T22:00", "officer_id": world.officer})
    assert created.status_code == 201
    r = client.get("/dispatch?date=2026-12-05")
    assert r.status_code == 200 and r.content_type.startswith("text/html")
    page = r.get_data(as_text=True)
    assert all(url.startswith("/") for url in loaded_urls(page)), loaded_urls(page)
    assert "/static/vendor/leaflet-draw/leaflet.draw.js" in loaded_urls(page)
    setup = setup_of(page)
    assert setup["day"] == "2026-12-05" and setup["api"] == "/api/v1"
    layers = geojson_layers(page)
    # The target layers come from their vector tiles; the page names each tile layer's kind.
    kinds = {kind for _name, kind, _items in setup["tile_targets"]}
    assert {"patrol_zone", "event", "campus", "public_place"} <= kinds
    assert "/tiles/patrol_zone/{z}/{x}/{y}.mvt" in page
    [assignment] = [f for layer in layers for f in layer["features"] if "formation" in f["properties"]]
    assert (assignment["properties"]["target_kind"], assignment["properties"]["status"]) == ("event", "proposed")


def test_another_day_shows_no_assignment(client, world):
    client.post("/api/v1/assignments", json={
        "formation_id": world.formation, "target_kind": "patrol_zone", "target_id": world.zone, "activity": "8.1",
        "starts_at": "2026-12-05T18:00", "ends_at": "2026-12-05T22:00", "officer_id": world.officer})
    layers = geojson_layers(client.get("/dispatch?date=2026-12-07").get_data(as_text=True))
    assert not [f for layer in layers for f in layer["features"] if "formation" in f["properties"]]


def test_a_hostile_target_name_is_escaped_in_the_page(client, world):
    page = client.get("/dispatch?date=2026-12-05").get_data(as_text=True)
    assert XSS not in page
    # The patrol zones come from vector tiles, whose tooltips kuzet-tiles.js writes as text.
    assert ESCAPED not in page


def test_a_bad_date_is_a_400_page(client, world):
    r = client.get("/dispatch?date=5.12.2026")
    assert r.status_code == 400 and "YYYY-MM-DD" in r.get_data(as_text=True)


def test_the_supervisor_page_offers_every_officer(client, world):
    page = client.get(f"/supervise?officer_id={world.officer}").get_data(as_text=True)
    assert "Capt. Abenov" in page and "Maj. Serikov" in page and 'id="proposals"' in page
    assert "Centre police" in page
    unknown = client.get("/supervise?officer_id=999999").get_data(as_text=True)
    assert "No officer 999999" in unknown and 'id="proposals"' not in unknown


def test_the_top_bar_links_the_pages(client, world):
    page = client.get("/").get_data(as_text=True)
    assert 'href="/dispatch"' in page and 'href="/supervise"' in page


def test_the_dispatchers_map_has_a_legend_of_targets_and_assignment_states(client, world):
    page = client.get("/dispatch?date=2026-12-05").get_data(as_text=True)
    legend = page[page.index('class="kuzet-legend'):]
    legend = legend[:legend.index("</div>")]
    for title in ("Patrol zones", "Events", "Pastures", "Emergency areas", "assignment, proposed",
                  "assignment, confirmed"):
        assert title in legend, title
    assert "#e65100" in legend and "#1b5e20" in legend  # the colours the assignments are drawn in
