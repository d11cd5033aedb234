"""The real San Francisco incidents of July-December 2012 tell the facts the issue states."""
from __future__ import annotations

import os
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from scipy.spatial import cKDTree

from geo.analysis.cells import grid_counts
from geo.analysis.hotspots import gi_star, global_moran
from geo.analysis.kde import kde
from geo.crs import metric_crs_for
from tests.conftest import need_data

ROOT = Path(__file__).resolve().parents[2]
SF = Path(os.environ.get("KUZET_SHARED_DATA", ROOT.parent / "shared" / "data")) / "sf_crime_2012"

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module", autouse=True)
def sf_data() -> Path:
    return need_data(SF / "SFCrime_blocks.shp")


@pytest.fixture(scope="module")
def drugs() -> gpd.GeoDataFrame:
    return gpd.read_file(SF / "sf_drugs.shp")


def district_of(point, incidents: gpd.GeoDataFrame, k: int = 25) -> str:
    """The police district most of the ``k`` incidents nearest to ``point`` (EPSG:4326) lie in."""
    crs = metric_crs_for(incidents)
    xy = incidents.geometry.to_crs(crs).get_coordinates().to_numpy()
    here = gpd.GeoSeries([point], crs="EPSG:4326").to_crs(crs).get_coordinates().to_numpy()[0]
    _, nearest = cKDTree(xy).query(here, k=k)
    return incidents["PdDistrict"].iloc[nearest].mode().iloc[0]


def test_global_moran_of_drug_counts_on_block_groups_is_0_517395():
    blocks = gpd.read_file(SF / "SFCrime_blocks.shp")
    moran = global_moran(blocks, column="Drugs", method="queen", row_standardise=True)
    assert moran.i == pytest.approx(0.517395, abs=1e-4)
    assert moran.islands == 2 and moran.n == 579
    assert moran.p_rand < 1e-6


@pytest.mark.parametrize("shape", ["square", "hexagon"])
def test_the_strongest_drug_hot_spot_lies_in_the_tenderloin(drugs, shape):
    hot = gi_star(grid_counts(drugs, cell_size_m=250, shape=shape), method="queen")
    top = hot.loc[hot["gi_z"].idxmax()]
    assert top["gi_class"] == 3
    assert district_of(top.geometry.centroid, drugs) == "TENDERLOIN"


def test_the_drug_density_peak_lies_in_the_tenderloin(drugs):
    distinct = drugs.drop_duplicates("IncidntNum")
    surface = kde(distinct, bandwidth_m=250, cell_size_m=25)
    assert surface.mass() == pytest.approx(len(distinct), rel=1e-3)
    assert district_of(surface.peak(), distinct) == "TENDERLOIN"


def test_the_csv_of_the_same_incidents_gives_the_same_peak_district():
    import pandas as pd

    table = pd.read_csv(SF / "sf_crime_jul_dec_2012_points.csv")
    table = table[table["Category"] == "DRUG/NARCOTIC"].drop_duplicates("IncidntNum")
    points = gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table.lon, table.lat), crs=4326)
    surface = kde(points, bandwidth_m=250, cell_size_m=25)
    assert district_of(surface.peak(), points) == "TENDERLOIN"
    assert np.isfinite(surface.density).all()
