"""Places named in the reader's language (issue 14): the API, OGC items, vector tiles, the basemap and
the map page show ``name_<lang>`` where a place has one and the original ``name`` where it has none."""
from __future__ import annotations

import json
import re

import pyogrio
import pytest
from shapely.geometry import box

from tests.conftest import add_user, make_app, sign_in
from tests.support.basemap_world import tile_of
from tests.web.test_map_page import add, geojson_layers

ALMALY = {"name": "Almaly", "name_ru": "Алмалинский район", "name_kk": "Алмалы ауданы"}
MEDEU = {"name": "Medeu", "name_ru": "Медеуский район"}  # no Kazakh name: kk falls back to "Medeu"
SQUARE = {"name": "Площадь Республики", "kind": "square", "name_kk": "Республика алаңы",
          "name_en": "Republic Square"}
# What each locale reads: (Almaly, Medeu, the square)
EXPECTED = {
    "kk": ("Алмалы ауданы", "Medeu", "Республика алаңы"),
    "ru": ("Алмалинский район", "Медеуский район", "Площадь Республики"),
    "en": ("Almaly", "Medeu", "Republic Square"),
}
CENTRE = (76.93, 43.25)


@pytest.fixture
def places(session):
    add(session, "district", [ALMALY, MEDEU], [box(76.90, 43.23, 76.95, 43.27), box(76.95, 43.23, 77.00, 43.27)])
    add(session, "public_place", [SQUARE], [box(76.92, 43.24, 76.94, 43.26)])
    session.commit()


def reader(connection, session, locale: str):
    """A signed-in administrator's client of an app whose locale is ``locale``."""
    app = make_app(connection, LOCALE=locale)
    add_user(session, f"admin_{locale}", ["admin"])
    session.commit()
    return sign_in(app.test_client(), f"admin_{locale}")


def names(collection: dict) -> list[str]:
    return sorted(f["properties"]["name"] for f in collection["features"])


def decode(body: bytes, tmp_path, z: int, x: int, y: int, layer: str):
    path = tmp_path / f"{layer}-{z}-{x}-{y}.mvt"
    path.write_bytes(body)
    return pyogrio.read_dataframe(path, layer=layer, X=str(x), Y=str(y), Z=str(z))


@pytest.mark.parametrize("locale", sorted(EXPECTED))
def test_the_layer_api_names_places_in_the_readers_language(connection, session, places, locale):
    almaly, medeu, square = EXPECTED[locale]
    client = reader(connection, session, locale)
    districts = client.get("/api/v1/layers/district").get_json()
    assert names(districts) == sorted([almaly, medeu])
    # the names in every language stay readable as they are stored
    stored = {f["properties"]["name_ru"] for f in districts["features"]}
    assert stored == {ALMALY["name_ru"], MEDEU["name_ru"]}
    assert names(client.get("/api/v1/layers/public_place").get_json()) == [square]
    one = next(f for f in districts["features"] if f["properties"]["name_kk"] == ALMALY["name_kk"])
    item = client.get(f"/api/v1/layers/district/{one['id']}").get_json()
    assert item["properties"]["name"] == almaly


@pytest.mark.parametrize("locale", ["kk", "en"])
def test_ogc_items_name_places_in_the_readers_language(connection, session, places, locale):
    almaly, medeu, _square = EXPECTED[locale]
    client = reader(connection, session, locale)
    items = json.loads(client.get("/ogc/collections/district/items").get_data(as_text=True))
    assert names(items) == sorted([almaly, medeu])


def test_a_layer_tile_in_kazakh_carries_kazakh_names_and_falls_back_to_the_original(connection, session,
                                                                                     places, tmp_path):
    z, x, y = tile_of(*CENTRE, 12)
    for locale in ("kk", "en"):
        client = reader(connection, session, locale)
        r = client.get(f"/tiles/district/{z}/{x}/{y}.mvt")
        assert r.status_code == 200
        assert "Accept-Language" in r.headers["Vary"]
        frame = decode(r.data, tmp_path, z, x, y, "district")
        assert sorted(frame["name"]) == sorted(EXPECTED[locale][:2])
        square = decode(client.get(f"/tiles/public_place/{z}/{x}/{y}.mvt").data, tmp_path, z, x, y, "public_place")
        assert list(square["name"]) == [EXPECTED[locale][2]]


def test_the_basemap_names_districts_in_the_readers_language(connection, session, places, tmp_path):
    z, x, y = tile_of(76.95, 43.25, 15)  # on the border of the two districts
    seen = {}
    for locale in ("kk", "ru"):
        client = reader(connection, session, locale)
        r = client.get(f"/tiles/basemap/{z}/{x}/{y}.mvt")
        assert r.status_code == 200 and "Accept-Language" in r.headers["Vary"]
        seen[locale] = set(decode(r.data, tmp_path, z, x, y, "districts")["name"])
    assert seen["kk"] == {"Алмалы ауданы", "Medeu"}
    assert seen["ru"] == {"Алмалинский район", "Медеуский район"}


def test_the_map_page_shows_the_kazakh_name_of_a_district(connection, session, places):
    client = reader(connection, session, "kk")
    page = client.get("/").get_data(as_text=True)
    # districts come from their tiles (their names tested above); none is embedded in another language
    assert "/tiles/district/{z}/{x}/{y}.mvt" in page
    shown = {f["properties"].get("name") for layer in geojson_layers(page) for f in layer.get("features", [])}
    assert "Алмалинский район" not in shown and not re.search(r'"name": "Almaly"', page)


def test_exports_name_places_in_the_readers_language_and_keep_every_stored_name(connection, session, places,
                                                                                tmp_path):
    client = reader(connection, session, "kk")
    exported = json.loads(client.get("/api/v1/layers/district/export.geojson").get_data(as_text=True))
    assert names(exported) == sorted(EXPECTED["kk"][:2])
    assert {f["properties"]["name_ru"] for f in exported["features"]} == {ALMALY["name_ru"], MEDEU["name_ru"]}
    r = client.get("/api/v1/layers/public_place/export.gpkg")
    assert r.status_code == 200
    path = tmp_path / "places.gpkg"
    path.write_bytes(r.data)
    frame = pyogrio.read_dataframe(path)  # GDAL reads the package
    assert list(frame["name"]) == ["Республика алаңы"] and list(frame["name_en"]) == ["Republic Square"]


def test_the_analysis_form_offers_districts_by_their_kazakh_name(connection, session, places):
    client = reader(connection, session, "kk")
    page = client.get("/analysis").get_data(as_text=True)
    assert re.search(r'<option value="district:\d+"[^>]*>Алмалы ауданы</option>', page)
    assert ">Medeu</option>" in page
