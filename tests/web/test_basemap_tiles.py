"""The basemap's tile and TileJSON routes: content, ETag and 304, gzip, caching, refusals, login."""
from __future__ import annotations

import gzip

import pytest

from tests.support.basemap_world import CENTRE, fill_basemap_sources, tile_of


@pytest.fixture(scope="module")
def world(module_session, shared_data):
    fill_basemap_sources(module_session, shared_data)
    module_session.commit()


def _url(z: int, x: int, y: int) -> str:
    return f"/tiles/basemap/{z}/{x}/{y}.mvt"


def test_a_tile_is_gzipped_cached_and_answered_304_when_unchanged(client, world):
    url = _url(*tile_of(*CENTRE, 14))
    plain = client.get(url)
    assert plain.status_code == 200 and plain.mimetype == "application/vnd.mapbox-vector-tile"
    assert "Content-Encoding" not in plain.headers and len(plain.data) > 1000
    assert "max-age" in plain.headers["Cache-Control"]
    etag = plain.headers["ETag"]
    zipped = client.get(url, headers={"Accept-Encoding": "gzip, deflate"})
    assert zipped.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped.headers["Vary"]
    assert gzip.decompress(zipped.data) == plain.data and len(zipped.data) < len(plain.data)
    assert zipped.headers["ETag"] == etag
    again = client.get(url, headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get(_url(*tile_of(*CENTRE, 15)))
    assert other.headers["ETag"] != etag


def test_a_tile_outside_the_pyramid_is_a_clear_400(client, world):
    response = client.get(_url(4, 16, 0))
    assert response.status_code == 400
    assert b"does not exist" in response.data


def test_the_tilejson_names_the_tiles_layers_bounds_and_attribution(client, world):
    doc = client.get("/tiles/basemap.json").get_json()
    assert doc["tiles"][0].endswith("/tiles/basemap/{z}/{x}/{y}.mvt")
    assert {layer["id"] for layer in doc["vector_layers"]} == {"streets", "parks", "water", "railways", "districts"}
    minx, miny, maxx, maxy = doc["bounds"]
    assert minx < CENTRE[0] < maxx and miny < CENTRE[1] < maxy
    assert "OpenStreetMap contributors" in doc["attribution"]


def test_the_basemap_needs_a_signed_in_user(anonymous, world):
    # a tile is fetched by a script or a GIS client, not opened as a page: 401 with a JSON reason
    response = anonymous.get(_url(*tile_of(*CENTRE, 14)))
    assert response.status_code == 401 and "Location" not in response.headers
    assert response.get_json()["description"]


def test_the_map_pages_draw_the_basemap_unless_a_raster_service_is_configured(client, world, connection):
    page = client.get("/").get_data(as_text=True)
    assert "L.vectorGrid.protobuf" in page and "/tiles/basemap/{z}/{x}/{y}.mvt" in page
    assert "OpenStreetMap</a> contributors" in page
    from tests.conftest import make_app, sign_in

    raster = make_app(connection, TILES_URL="http://127.0.0.1:9/{z}/{x}/{y}.png", TILES_ATTRIBUTION="local")
    with raster.test_client() as other:
        page = sign_in(other, "admin").get("/").get_data(as_text=True)
    # Data layers may still come from vector tiles; the vector basemap does not.
    assert "http://127.0.0.1:9/{z}/{x}/{y}.png" in page and "/tiles/basemap/" not in page
