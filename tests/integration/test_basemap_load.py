"""The offline basemap: its features loaded from the real OSM extract, its tiles decoded by GDAL."""
from __future__ import annotations

import pyogrio
import pytest
from sqlalchemy import func, select

from geo import services
from geo.db.models import BasemapFeature
from geo.errors import InvalidInput
from geo.ingest.osm_basemap import read_basemap

from tests.support.basemap_world import CENTRE, fill_basemap_sources, tile_of


@pytest.fixture(scope="module")
def world(module_session, shared_data):
    fill_basemap_sources(module_session, shared_data)
    module_session.commit()
    return shared_data


def decode(tile: bytes, tmp_path, z: int, x: int, y: int) -> dict:
    """Layer → GeoDataFrame of the tile, read by GDAL's MVT driver (a client that knows nothing of kuzet)."""
    path = tmp_path / f"{z}-{x}-{y}.mvt"
    path.write_bytes(tile)
    return {name: pyogrio.read_dataframe(path, layer=name, X=str(x), Y=str(y), Z=str(z))
            for name, _kind in pyogrio.list_layers(path)}


def test_the_extract_loads_parks_water_and_railways_by_kind(session, world):
    stored = dict(session.execute(select(BasemapFeature.kind, func.count()).group_by(BasemapFeature.kind)).all())
    # The December 2013 extract: 60 leisure=park and 1 garden (plus a wood that is a park), 65 rails,
    # 25 tram lines, 55 rivers + 24 canals + 1 stream.
    assert stored["park"] == 62
    assert stored["railway"] == 65
    assert stored["tram"] == 25
    assert stored["waterway"] == 80
    assert stored["water"] >= 90 and stored["wood"] >= 20
    assert sum(stored.values()) == len(read_basemap(world / "almaty" / "almaty_2013.osm.pbf"))
    invalid = session.scalar(select(func.count()).where(~func.ST_IsValid(BasemapFeature.geom)))
    assert invalid == 0
    assert session.scalar(select(func.count()).where(BasemapFeature.name_ru.is_not(None))) > 0


def test_loading_again_replaces_the_features(session, world):
    before = session.scalar(select(func.count()).select_from(BasemapFeature))
    result = services.load_basemap(session, world / "almaty" / "almaty_2013.osm.pbf")
    assert result.replaced == before
    assert sum(result.counts.values()) == before == session.scalar(select(func.count()).select_from(BasemapFeature))
    with pytest.raises(InvalidInput, match="already holds"):
        services.load_basemap(session, world / "almaty" / "almaty_2013.osm.pbf", replace=False)


def test_a_missing_or_unreadable_extract_is_refused(session, world, tmp_path):
    with pytest.raises(InvalidInput, match="not found"):
        services.load_basemap(session, tmp_path / "none.osm.pbf")
    bad = tmp_path / "bad.osm.pbf"
    bad.write_bytes(b"not an extract")
    with pytest.raises(InvalidInput):
        services.load_basemap(session, bad)


def test_a_city_tile_holds_every_layer_and_names_only_at_high_zoom(session, world, tmp_path):
    low = tile_of(*CENTRE, 12)
    layers = decode(services.basemap_tile(session, *low), tmp_path, *low)
    assert {"streets", "parks", "water", "railways", "districts"} <= set(layers)
    streets = layers["streets"]
    assert len(streets) > 100
    assert set(streets["class"]) <= {"major", "secondary"}  # no minor streets at zoom 12
    assert "name" not in streets or streets["name"].isna().all()

    high = tile_of(*CENTRE, 16)
    layers = decode(services.basemap_tile(session, *high), tmp_path, *high)
    streets = layers["streets"]
    assert "minor" in set(streets["class"])
    assert streets["name"].notna().sum() >= 1
    assert streets.total_bounds[0] > 8_560_000  # Web Mercator metres of central Almaty


def test_a_tile_far_from_the_data_is_empty_and_one_outside_the_pyramid_refused(session, world):
    assert services.basemap_tile(session, *tile_of(0.0, 0.0, 14)) == b""
    with pytest.raises(InvalidInput, match="does not exist"):
        services.basemap_tile(session, 3, 8, 0)
    with pytest.raises(InvalidInput, match="zoom"):
        services.basemap_tile(session, 25, 0, 0)


def test_the_extent_covers_almaty(session, world):
    minx, miny, maxx, maxy = services.basemap_extent(session)
    assert minx < CENTRE[0] < maxx and miny < CENTRE[1] < maxy
