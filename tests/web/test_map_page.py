"""The map page `/`: every layer, local assets only, user text escaped, synthetic data labelled."""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser
from pathlib import Path

import folium
import geopandas as gpd
import pytest
import sqlalchemy as sa
from folium.plugins import Draw, Fullscreen, MarkerCluster
from shapely.geometry import Point, box

from geo import services
from geo.access import SYSTEM
from geo.layers import LAYERS
from tests.conftest import add_user, make_app, sign_in
from web.maps import assets

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"


class Links(HTMLParser):
    """Every URL the page would load: script src, link href, img/iframe src."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        wanted = {"script": "src", "link": "href", "img": "src", "iframe": "src"}.get(tag)
        for name, value in attrs:
            if name == wanted and value is not None:
                self.urls.append(value)


def loaded_urls(html: str) -> list[str]:
    parser = Links()
    parser.feed(html)
    return parser.urls


def geojson_layers(html: str) -> list[dict]:
    """The FeatureCollections folium embedded in the page (``geo_json_…_add({...})``)."""
    decoder = json.JSONDecoder()
    return [decoder.raw_decode(html, m.end())[0] for m in re.finditer(r"geo_json_[0-9a-f]+_add\(", html)]


def add(session, layer: str, rows: list[dict], geometries: list) -> None:
    services.import_frame(session, layer, gpd.GeoDataFrame(rows, geometry=geometries, crs=4326), name="test",
                          actor=SYSTEM)
    session.flush()


@pytest.fixture
def filled(session):
    """A few rows in most layers, a hostile district and zone name, real and synthetic incidents."""
    add(session, "district", [{"name": XSS}, {"name": "Almaly", "kato": "751110000"}],
        [box(76.80, 43.20, 76.85, 43.25), box(76.90, 43.23, 76.95, 43.27)])
    add(session, "police_unit", [{"name": "Almaly police", "district": "Almaly", "phone": "102",
                                  "station": "76.93 43.25"}], [box(76.90, 43.23, 76.95, 43.27)])
    add(session, "patrol_zone", [{"name": XSS, "police_unit": "Almaly police"}],
        [box(76.91, 43.24, 76.92, 43.25)])
    add(session, "event", [{"name": "City Day", "kind": "cultural", "starts_at": "2026-09-12 18:00",
                            "ends_at": "2026-09-12 23:00", "expected_attendance": 20000}],
        [box(76.94, 43.236, 76.948, 43.24)])
    add(session, "formation", [{"name": "Volunteers", "base_type": "residence",
                                "notified_unit": "Almaly police", "notified_on": "2026-01-15",
                                "notification_ref": "N-12"}],
        [box(76.90, 43.25, 76.92, 43.26)])
    add(session, "incident", [{"occurred_at": "2026-11-01 21:00", "category": "theft", "source": source}
                              for source in ("police-record", "synthetic-demo", "synthetic-demo")],
        [Point(76.90, 43.26), Point(76.91, 43.26), Point(76.92, 43.26)])


def test_the_empty_map_lists_every_layer(client):
    r = client.get("/")
    assert r.status_code == 200
    assert r.content_type.startswith("text/html")
    page = r.get_data(as_text=True)
    for spec in LAYERS.values():
        assert spec.title in page
    # an embedded layer says it is empty in the layer control; a tiled one, in the legend
    assert "Formations (empty)" in page
    assert "/tiles/district/{z}/{x}/{y}.mvt" in page and "no features" in page


def test_the_map_shows_every_layer_with_names_and_times(client, filled):
    page = client.get("/").get_data(as_text=True)
    for spec in LAYERS.values():
        assert spec.title in page
    features = [f["properties"] for layer in geojson_layers(page) for f in layer["features"]]
    # Patrol zones and events come from their vector tiles: the unit's name and the times in them,
    # the page telling kuzet-tiles.js which properties are times and the area's zone to show them in.
    assert not [p for p in features if p.get("police_unit") == "Almaly police" or "expected_attendance" in p]
    assert "/tiles/patrol_zone/{z}/{x}/{y}.mvt" in page and "/tiles/event/{z}/{x}/{y}.mvt" in page
    assert '"times": ["starts_at", "ends_at"], "timezone": "Asia/Almaty"' in page
    import mapbox_vector_tile
    from datetime import datetime, timezone

    from tests.web.test_tiles import url

    [zone] = mapbox_vector_tile.decode(client.get(url("patrol_zone", (76.915, 43.245), 12)).data)["patrol_zone"]["features"]
    assert zone["properties"]["name"] == XSS and zone["properties"]["police_unit"] == "Almaly police"
    [event] = mapbox_vector_tile.decode(client.get(url("event", (76.944, 43.238), 12)).data)["event"]["features"]
    assert event["properties"]["expected_attendance"] == 20000
    starts = datetime.fromisoformat(event["properties"]["starts_at"].replace(" ", "T"))
    assert starts == datetime(2026, 9, 12, 13, 0, tzinfo=timezone.utc)  # 18:00 in Asia/Almaty, as entered
    formation = next(p for p in features if "notification" in p)
    assert formation["notification"] == "Almaly police on 15 Jan 2026, ref. N-12"


def test_synthetic_incidents_are_a_layer_that_says_so(client, filled):
    page = client.get("/").get_data(as_text=True)
    assert "Incidents (synthetic demo data)" in page and "Synthetic demo data, not a real incident" in page
    # Incidents come from vector tiles, not embedded: no incident GeoJSON in the page.
    assert not [layer for layer in geojson_layers(page)
                if layer["features"] and "category" in layer["features"][0]["properties"]]
    assert "/tiles/incident/{z}/{x}/{y}.mvt" in page and '"source": "synthetic-demo"' in page
    import mapbox_vector_tile
    tile = client.get("/tiles/incident/0/0/0.mvt")  # zoom 0: one cell per ~ 1/8 of the world
    cells = mapbox_vector_tile.decode(tile.data)["incident"]["features"]
    assert sum(f["properties"]["count"] for f in cells) == 3


def test_every_script_and_stylesheet_is_served_from_static(client, filled):
    page = client.get("/").get_data(as_text=True)
    urls = loaded_urls(page)
    assert any(u.endswith("leaflet.js") for u in urls)
    # and the opening incident tiles, preloaded (same origin)
    assert [u for u in urls if not u.startswith(("/static/", "/tiles/incident/"))] == []
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//""", page)
    for url in urls:
        assert client.get(url).status_code in ((200, 204) if url.startswith("/tiles/") else (200,)), url


def test_hostile_names_reach_the_page_escaped(client, filled, session):
    add(session, "formation", [{"name": XSS, "base_type": "residence"}], [box(76.80, 43.20, 76.81, 43.21)])
    page = client.get("/").get_data(as_text=True)
    assert XSS not in page
    values = [v for layer in geojson_layers(page) for f in layer["features"]
              for v in f["properties"].values() if isinstance(v, str)]
    assert ESCAPED in values
    assert not any("<img" in v for v in values)


def test_a_configured_basemap_is_drawn_with_its_attribution(connection, session):
    app = make_app(connection, TILES_URL="/tiles/{z}/{x}/{y}.png", TILES_ATTRIBUTION="Local tiles")
    add_user(session, "admin", ["admin"])
    session.commit()
    client = sign_in(app.test_client(), "admin")
    page = client.get("/").get_data(as_text=True)
    assert "L.tileLayer" in page and '"/tiles/{z}/{x}/{y}.png"' in page and "Local tiles" in page
    assert "/tiles/basemap/" not in page  # the raster replaces the vector basemap


def test_kuzets_own_basemap_by_default(client):
    page = client.get("/").get_data(as_text=True)
    assert "L.tileLayer(" not in page
    assert "L.vectorGrid.protobuf" in page and "/tiles/basemap/{z}/{x}/{y}.mvt" in page


def test_plugins_use_vendored_files_and_unknown_assets_fail(app):
    with app.test_request_context():
        m = folium.Map(tiles=None)
        Draw().add_to(m)
        MarkerCluster().add_to(m)
        assets.localize(m.get_root())
        html = m.get_root().render()
        assert [u for u in loaded_urls(html) if not u.startswith("/static/vendor/")] == []
        assert "leaflet.draw.js" in html and "leaflet.markercluster.js" in html

        m = folium.Map(tiles=None)
        Fullscreen().add_to(m)
        with pytest.raises(assets.UnknownAsset, match="Fullscreen"):
            assets.localize(m.get_root())


def test_every_vendored_asset_is_a_file_and_folium_defaults_stay_untouched(app, client):
    for filename in assets.VENDORED.values():
        assert Path(app.static_folder, filename).is_file(), filename
    client.get("/")
    assert dict(folium.Map.default_js)["leaflet"].startswith("https://")


def test_lines_are_never_filled_and_areas_are():
    from web.maps.looks import LOOKS

    assert LOOKS["public_place"].style("MultiLineString")["fill"] is False
    assert LOOKS["public_place"].style("Polygon")["fill"] is True
    assert LOOKS["incident"].style("Point")["fill"] is True


PRELOAD = re.compile(r'<link rel="preload" as="fetch" crossorigin="anonymous" href="([^"]+)">')


def test_the_opening_incident_tiles_are_preloaded_and_asked_for_before_the_basemap(client, session):
    from web.config import settings
    from web.maps.tiles import opening_tiles

    add(session, "incident", [{"occurred_at": "2026-11-01 21:00", "category": "theft", "source": "police-record"}],
        [Point(76.93, 43.25)])
    page = client.get("/").get_data(as_text=True)  # no districts: the map opens at the configured view
    with client.application.app_context():
        view = settings().map
    expected = [f"/tiles/incident/{z}/{x}/{y}.mvt" for z, x, y in opening_tiles(view.center, view.zoom)]
    assert PRELOAD.findall(page) == expected and 1 <= len(expected) <= 4
    assert [client.get(url).status_code for url in expected].count(200) >= 1  # the centre's tile holds it
    # Leaflet asks for a layer's tiles when it is added: the incidents' layer is added first, and the
    # basemap is drawn under it (zIndex 0) and fetched at low priority.
    assert page.index("/tiles/incident/{z}/{x}/{y}.mvt") < page.index("/tiles/basemap/{z}/{x}/{y}.mvt")
    assert 'zIndex: 0, fetchOptions: {priority: "low"}' in page


def test_the_overview_with_incidents_opens_at_the_configured_view_and_without_fits_the_districts(
        client, filled, connection, session):
    page = client.get("/").get_data(as_text=True)  # districts and incidents: the configured view
    assert "fitBounds" not in page and PRELOAD.findall(page)
    formation = session.execute(sa.text("SELECT id FROM formation WHERE name = 'Volunteers'")).scalar_one()
    add_user(session, "leader.fit", ["leader"], formation_id=formation)
    session.commit()
    leader = sign_in(make_app(connection).test_client(), "leader.fit")
    page = leader.get("/").get_data(as_text=True)  # no incidents for a leader: fitted, nothing preloaded
    assert "fitBounds" in page and PRELOAD.findall(page) == []
