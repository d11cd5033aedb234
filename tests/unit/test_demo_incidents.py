"""The synthetic incident generator of the demo: seeded, clustered, in the window, labelled."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import geopandas as gpd
import numpy as np
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal

from geo.demo.incidents import CATEGORIES, incident_anchors, synthetic_incidents

ALMATY = ZoneInfo("Asia/Almaty")
UTM_43N = 32643
NOW = datetime(2026, 5, 1, tzinfo=ALMATY)
# A 6 × 5 km square in UTM zone 43N around central Almaty.
AREA = shapely.box(630_000, 4_785_000, 636_000, 4_790_000)


@pytest.fixture(scope="module")
def anchors() -> gpd.GeoDataFrame:
    places = gpd.GeoDataFrame(
        {"name": ["Bazaar", "Station", "Park", "Main street", "Square", "Stadium"],
         "kind": ["market", "station", "park", "street", "square", "stadium"]},
        geometry=[shapely.Point(632_000, 4_787_000), shapely.Point(635_900, 4_789_900),
                  shapely.box(633_000, 4_786_000, 633_600, 4_786_500),
                  shapely.LineString([(630_500, 4_785_500), (635_500, 4_785_500)]),
                  shapely.Point(631_000, 4_789_000).buffer(60),
                  shapely.box(634_000, 4_787_000, 634_200, 4_787_150)],
        crs=UTM_43N)
    block = shapely.box(630_200, 4_788_000, 631_200, 4_789_000)
    residential = gpd.GeoDataFrame({"name": ["Block"]}, geometry=[block], crs=UTM_43N)
    return incident_anchors(places, residential)


@pytest.fixture(scope="module")
def frame(anchors) -> gpd.GeoDataFrame:
    return synthetic_incidents(anchors, AREA, seed=641, now=NOW)


def test_the_same_seed_and_day_give_the_same_frame(anchors, frame):
    assert_geodataframe_equal(frame, synthetic_incidents(anchors, AREA, seed=641, now=NOW))


def test_another_seed_gives_other_incidents(anchors, frame):
    other = synthetic_incidents(anchors, AREA, seed=642, now=NOW)
    assert len(other) == len(frame) == 4000
    assert not other.geometry.geom_equals(frame.geometry).all()
    assert not (other["occurred_at"] == frame["occurred_at"]).all()


def test_every_incident_lies_inside_the_area_even_near_its_edge(frame):
    # The station anchor sits 100 m from the corner: half its offsets fall outside and are redrawn.
    metric = frame.to_crs(UTM_43N)
    assert metric.within(AREA).all()


def test_times_lie_in_the_120_days_before_the_reference_day(frame):
    assert frame["occurred_at"].min() >= NOW - timedelta(days=120)
    assert frame["occurred_at"].max() < NOW
    assert (frame["reported_at"] >= frame["occurred_at"]).all()
    assert (frame["reported_at"] <= NOW).all()
    assert str(frame["occurred_at"].dt.tz) == "Asia/Almaty"


def test_evenings_are_busier_than_the_small_hours(frame):
    hours = frame["occurred_at"].dt.hour
    evening = hours.between(19, 22).sum() / 4
    small_hours = hours.between(3, 5).sum() / 3
    assert evening > 4 * small_hours


def test_fridays_and_saturdays_are_busier_than_tuesdays(frame):
    weekday = frame["occurred_at"].dt.day_of_week
    assert weekday.isin([4, 5]).sum() / 2 > (weekday == 1).sum() * 1.15


def test_every_record_says_it_is_synthetic(frame):
    assert set(frame["source"]) == {"synthetic-demo"}
    assert frame["description"].str.contains("Synthetic demo record, not a real incident").all()
    assert frame["external_id"].iloc[0] == "demo-000001"
    assert frame["external_id"].is_unique
    assert frame.crs.to_epsg() == 4326


def test_incidents_cluster_around_the_places(anchors, frame):
    metric = frame.to_crs(UTM_43N)
    distance = metric.distance(shapely.union_all(anchors.geometry.to_numpy()))
    assert np.median(distance) < 150
    assert set(frame["category"]) == {c.name for c in CATEGORIES}


def test_traffic_accidents_happen_on_the_street_far_more_often_than_thefts(anchors, frame):
    street = anchors.loc[anchors["kind"] == "street"].geometry.iloc[0]
    metric = frame.to_crs(UTM_43N)
    near = metric.distance(street) < 120
    accidents, thefts = near[frame["category"] == "traffic accident"], near[frame["category"] == "theft"]
    assert accidents.mean() > 0.6 and accidents.mean() > 2 * thefts.mean()


def test_without_residential_areas_domestic_disputes_give_their_share_away(anchors):
    without = anchors[anchors["kind"] != "residential"]
    frame = synthetic_incidents(without, AREA, seed=3, count=500, now=NOW)
    assert len(frame) == 500
    assert "domestic dispute" not in set(frame["category"])
