"""Names in other languages kept from the real OSM extract (issue 14): ``name:ru``, ``name:kk`` and
``name:en`` reach the basemap, the street network and the demo's public places; a file spelling the
tags as OSM does (``name:ru``) imports them without a mapping."""
from __future__ import annotations

import geopandas as gpd
import pytest
from sqlalchemy import select
from shapely.geometry import box

from geo import services
from geo.access import SYSTEM
from geo.db.models import BasemapFeature, PublicPlace, StreetSegment
from geo.demo.network import load_streets
from geo.demo.places import public_places_frame
from geo.demo.sources import read_almaty
from geo.ingest.osm_names import read_names

pytestmark = pytest.mark.realdata


def extract(shared_data):
    return shared_data / "almaty" / "almaty_2013.osm.pbf"


def test_the_extract_gives_each_tagged_feature_its_names(shared_data):
    names = read_names(extract(shared_data))
    airport = names.loc["node/673998509"]  # Almaty International Airport: the one feature with all three
    assert airport["name_kk"] == "Халықаралық Алматы Әуежайы"
    assert airport["name_ru"] == "Аэропорт Алма-Ата" and airport["name_en"] == "Almaty International Airport"
    assert names.loc["way/22734621", "name_ru"] == "пр. Раимбека"  # the ways of Raiymbek avenue
    assert names.loc["way/22566230", "name_ru"] == "роща Баума"  # an area (a closed way)
    assert names["name_kk"].notna().sum() == 2 and names["name_ru"].notna().sum() >= 60


def test_the_basemap_keeps_russian_kazakh_and_english_names(session, shared_data):
    services.load_basemap(session, extract(shared_data))
    grove = session.execute(select(BasemapFeature).where(BasemapFeature.osm_id == "way/22566230")).scalar_one()
    assert (grove.name, grove.name_ru) == ("Bauma", "роща Баума")
    railway = session.execute(select(BasemapFeature).where(BasemapFeature.osm_id == "way/22565014")).scalar_one()
    assert railway.name_en == "Turkestan-Siberia Railway"


def test_street_segments_keep_the_extracts_names(session, shared_data):
    load_streets(session, shared_data)
    rows = session.execute(select(StreetSegment.name, StreetSegment.name_ru, StreetSegment.name_en)
                           .where(StreetSegment.osm_id.in_([22734621, 24024475])).order_by(StreetSegment.osm_id)).all()
    assert [tuple(r) for r in rows] == [("пр. Райымбека", "пр. Раимбека", None),
                                        ("ул. Тимирязева", None, "Timiryazev Street")]


def test_the_demos_main_streets_are_stored_with_their_russian_and_english_names(session, shared_data):
    frame = public_places_frame(read_almaty(shared_data))
    services.import_frame(session, "public_place", frame, name="demo places", actor=SYSTEM)
    session.flush()
    stored = session.execute(select(PublicPlace.name, PublicPlace.name_ru, PublicPlace.name_en)
                             .where(PublicPlace.kind == "street")).all()
    assert ("пр. Райымбека", "пр. Раимбека", None) in {tuple(r) for r in stored}
    assert ("ул. Тимирязева", None, "Timiryazev Street") in {tuple(r) for r in stored}


def test_a_file_with_osm_name_tags_imports_them_without_a_mapping(session, tmp_path):
    path = tmp_path / "places.geojson"
    gpd.GeoDataFrame({"name": ["Зелёный базар"], "kind": ["market"], "name:kk": ["Көк базар"],
                      "name:en": ["Green Bazaar"]}, geometry=[box(76.94, 43.26, 76.95, 43.27)],
                     crs=4326).to_file(path, driver="GeoJSON")
    services.import_layer(session, "public_place", path, actor=SYSTEM)
    row = session.execute(select(PublicPlace.name_kk, PublicPlace.name_en, PublicPlace.name_ru)).one()
    assert tuple(row) == ("Көк базар", "Green Bazaar", None)
