"""Selecting the incidents a hot spot analysis looks at: time, weekday, hour band, category, area."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import Point, box

from geo.analysis.selection import hour_band_mask, select_incidents
from geo.errors import InvalidInput

# 2024-06-03 is a Monday. Times are UTC; Almaty is UTC+5.
ROWS = [
    ("2024-06-03T16:30:00Z", "theft", (76.91, 43.25)),   # Mon 21:30 Almaty
    ("2024-06-03T18:00:00Z", "theft", (76.92, 43.25)),   # Mon 23:00
    ("2024-06-03T22:59:00Z", "assault", (76.93, 43.25)),  # Tue 03:59
    ("2024-06-03T23:00:00Z", "theft", (76.94, 43.25)),   # Tue 04:00
    ("2024-06-08T07:00:00Z", "hooliganism", (76.95, 43.25)),  # Sat 12:00
]


@pytest.fixture
def incidents() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(
        {"occurred_at": pd.to_datetime([r[0] for r in ROWS]), "category": [r[1] for r in ROWS]},
        geometry=[Point(*r[2]) for r in ROWS], crs="EPSG:4326")


def picked(frame: gpd.GeoDataFrame) -> list[int]:
    return frame.index.tolist()


def test_an_hour_band_across_midnight_keeps_22_to_04_local_time(incidents):
    assert picked(select_incidents(incidents, hours=(22, 4), tz="Asia/Almaty")) == [1, 2]


def test_an_hour_band_within_a_day_is_half_open(incidents):
    assert picked(select_incidents(incidents, hours=(4, 22), tz="Asia/Almaty")) == [0, 3, 4]


def test_weekdays_are_read_in_the_areas_zone(incidents):
    assert picked(select_incidents(incidents, weekdays=[1], tz="Asia/Almaty")) == [2, 3]
    assert picked(select_incidents(incidents, weekdays=[0], tz="UTC")) == [0, 1, 2, 3]


def test_a_time_range_keeps_start_and_drops_end(incidents):
    out = select_incidents(incidents, start="2024-06-03T23:00:00+05:00",
                           end="2024-06-04T04:00:00+05:00")
    assert picked(out) == [1, 2]


def test_naive_range_bounds_are_read_in_the_given_zone(incidents):
    out = select_incidents(incidents, start="2024-06-04 00:00", tz="Asia/Almaty")
    assert picked(out) == [2, 3, 4]


def test_categories_and_area_combine_with_the_other_filters(incidents):
    area = box(76.905, 43.24, 76.935, 43.26)
    out = select_incidents(incidents, categories=["theft", "assault"], area=area)
    assert picked(out) == [0, 1, 2]
    layer = gpd.GeoDataFrame(geometry=[area], crs=4326).to_crs(32643)
    assert picked(select_incidents(incidents, area=layer, categories=["theft"])) == [0, 1]


def test_no_filter_keeps_every_incident(incidents):
    assert len(select_incidents(incidents)) == len(incidents)


@pytest.mark.parametrize("band", [(5, 5), (-1, 3), (3, 25)])
def test_an_impossible_hour_band_is_refused(band):
    with pytest.raises(InvalidInput, match="hour band"):
        hour_band_mask(pd.Series([1]).to_numpy(), band)


def test_a_weekday_outside_monday_to_sunday_is_refused(incidents):
    with pytest.raises(InvalidInput, match="weekdays"):
        select_incidents(incidents, weekdays=[7])
