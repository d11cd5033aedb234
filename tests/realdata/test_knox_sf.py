"""The Knox test on the real San Francisco incidents of July-December 2012 (dates only, no burglaries in the
set: car thefts and vandalism stand in)."""
from __future__ import annotations

import os
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from geo.analysis.knox import knox
from geo.crs import metric_crs_for
from geo.services.knox import incident_days, plain_words
from tests.conftest import need_data

ROOT = Path(__file__).resolve().parents[2]
POINTS = Path(os.environ.get("KUZET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "sf_crime_2012" / \
    "sf_crime_jul_dec_2012_points.csv"

pytestmark = pytest.mark.realdata


def layer(name: str):
    """One layer's offences, one row per incident number, in metres (UTM 10N) and on local calendar days."""
    rows = pd.read_csv(need_data(POINTS))
    rows = rows[rows["layer"] == name].drop_duplicates("IncidntNum")
    points = gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(rows["lon"], rows["lat"]), crs=4326)
    xy = points.to_crs(metric_crs_for(points)).get_coordinates().to_numpy()
    return xy, incident_days(pd.to_datetime(rows["Date"]).dt.tz_localize("America/Los_Angeles"),
                             "America/Los_Angeles")


def test_car_thefts_repeat_at_the_same_location_within_a_week():
    xy, days = layer("cartheft")
    began = time.perf_counter()
    table = knox(xy, days, band_m=100, bands=5, band_days=7, time_bands=5, permutations=99, seed=2012)
    assert time.perf_counter() - began < 30
    assert len(days) == 3079 and table.pairs == 3079 * 3078 // 2
    assert table.over()[0, 0] and table.ratio[0, 0] > 1.5 and table.p[0, 0] <= 0.02
    assert str(plain_words(table)[0]) == "Same location: over-represented for up to 7 days"


def test_vandalism_is_over_represented_within_400_m_for_a_week():
    xy, days = layer("vandalism")
    table = knox(xy, days, band_m=100, bands=5, band_days=7, time_bands=5, permutations=99, seed=2012)
    assert table.over()[:5, 0].all() and not table.over()[:4, 1].any()
    assert "within 400 m: over-represented for up to 7 days" in [str(m) for m in plain_words(table)]
    assert np.isclose(table.expected.sum(), table.pairs)
