"""Options an analyst controls, on the real San Francisco incidents in PostGIS: the grid's
CRS, origin and extent, categories in any case, a kernel density's default cells, a weight field."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from pyproj import CRS
from shapely.geometry import Point, mapping

from geo import services
from geo.access import SYSTEM
from geo.errors import InvalidInput
from geo.services.hotspots.statistics import MAX_KDE_NODES
from tests.integration.test_hotspots_service import DRUGS, SF, TENDERLOIN, analyse, stored

pytestmark = pytest.mark.realdata

ROBBERY = "ROBBERY"


@pytest.fixture(scope="module", autouse=True)
def sf_incidents(module_session, shared_data) -> None:
    from tests.integration.test_hotspots_service import SF_CSV, SF_MAPPING

    services.import_layer(module_session, "incident", shared_data / SF_CSV, mapping=SF_MAPPING, actor=SYSTEM)
    module_session.commit()


def cell_table(result) -> pd.DataFrame:
    return pd.DataFrame({"cell_id": result.cells["cell_id"], "wkb": result.cells.geometry.to_wkb()})


def test_two_categories_on_the_layer_extent_share_every_cell(session):
    drugs = analyse(session, method="gi_star", categories=[DRUGS], extent="layer", **SF)
    robbery = analyse(session, method="gi_star", categories=[ROBBERY], extent="layer", **SF)
    assert len(drugs.cells) == len(robbery.cells) > 1000
    assert cell_table(drugs).equals(cell_table(robbery))  # same ids, same polygons, bit for bit
    assert not np.array_equal(drugs.cells["count"], robbery.cells["count"])
    assert drugs.parameters["extent"] == "layer"
    compared = services.compare_runs(session, drugs.run_id, robbery.run_id, viewer=SYSTEM)
    assert compared["shared"] == len(drugs.cells)


def test_on_their_selections_two_categories_get_grids_of_their_own(session):
    tenderloin = {"area": {"kind": "polygon", "geometry": mapping(TENDERLOIN)}, "cell_size_m": 50, **SF}
    drugs, robbery = (analyse(session, method="gi_star", categories=[c], extent="selection", **tenderloin)
                      for c in (DRUGS, ROBBERY))
    assert not cell_table(drugs).equals(cell_table(robbery))  # each grid spans its own incidents
    on_area = [analyse(session, method="gi_star", categories=[c], **tenderloin) for c in (DRUGS, ROBBERY)]
    assert cell_table(on_area[0]).equals(cell_table(on_area[1]))  # the default with an area: the area
    assert "extent" not in on_area[0].parameters  # a run without the option is stored as before


def test_a_given_crs_and_origin_shift_the_cells(session):
    origin = [100.0, 40.0]
    result = analyse(session, method="gi_star", categories=[DRUGS], crs=26910, origin=origin, cell_size_m=250,
                     **SF)
    grid = result.summary["grid"]
    assert CRS.from_user_input(grid["metric_crs"]).to_epsg() == 26910 and grid["origin"] == origin
    corners = result.cells.to_crs(26910).bounds
    for column, o in (("minx", origin[0]), ("miny", origin[1])):
        offset = (corners[column] - o) / 250
        np.testing.assert_allclose(offset, np.round(offset), atol=1e-6)  # corners at origin + k·250 m
    plain = analyse(session, method="gi_star", categories=[DRUGS], crs=26910, cell_size_m=250, **SF)
    offset = plain.cells.to_crs(26910).bounds["minx"] / 250
    np.testing.assert_allclose(offset, np.round(offset), atol=1e-6)  # the default origin is 0, 0
    assert result.summary["incidents"] == plain.summary["incidents"] == 3897
    reopened = services.analysis_run(session, result.run_id, viewer=SYSTEM)
    assert reopened.parameters["crs"] == 26910 and reopened.parameters["origin"] == origin


def test_a_kernel_density_grid_takes_the_crs_and_origin(session):
    result = analyse(session, method="kde", categories=[DRUGS], bandwidth_m=300, cell_size_m=30, crs=26910,
                     origin=[7, 11], **SF)
    assert CRS.from_user_input(result.summary["density"]["metric_crs"]).to_epsg() == 26910
    assert result.summary["density"]["mass"] == pytest.approx(3897, rel=1e-3)


@pytest.mark.parametrize(("options", "message"), [
    ({"crs": 4326}, "EPSG:4326 .* is geographic"),
    ({"crs": 2227}, "measures in US survey foot"),
    ({"crs": 99999}, "not a known coordinate reference system"),
    ({"crs": "EPSG:32610"}, "crs must be an EPSG code"),
    ({"origin": [1]}, "origin must be two numbers"),
    ({"origin": [0, "x"]}, "origin must be a number"),
    ({"extent": "world"}, "unknown extent 'world'"),
    ({"extent": "area"}, "extent 'area' needs an area"),
    ({"aggregation": "district", "extent": "layer"}, "origin and extent belong to a grid"),
    ({"weight_field": "severity"}, "unknown weight_field 'severity'; use one of: weight"),
    ({"aggregation": "analysis_area"}, "needs area_set"),
    ({"aggregation": "analysis_area", "area_set": "nowhere"}, "no set of analysis areas called 'nowhere'"),
    ({"neighbours": "file"}, "need aggregation analysis_area"),
    ({"area_set": "blocks"}, "area_set names the areas of aggregation analysis_area"),
    ({"method": "kde", "bandwidth_m": 3}, "finer than the finest cells"),
])
def test_bad_grid_options_are_refused_with_their_reason_and_store_nothing(session, options, message):
    with pytest.raises(InvalidInput, match=message):
        analyse(session, **{"method": "gi_star", "categories": [DRUGS], **SF, **options})
    assert stored(session) == 0


def test_categories_match_in_any_case(session):
    lower = analyse(session, method="gi_star", categories=["drug/narcotic", "Robbery"], **SF)
    exact = analyse(session, method="gi_star", categories=[DRUGS, ROBBERY], **SF)
    assert lower.summary["incidents"] == exact.summary["incidents"] > 3897
    assert lower.selection["categories"] == ["drug/narcotic", "Robbery"]  # stored as asked


def test_no_match_lists_the_stored_categories_most_frequent_first(session, shared_data):
    table = pd.read_csv(shared_data / "sf_crime_2012/sf_crime_jul_dec_2012_points.csv")
    counts = table["Category"].value_counts()
    with pytest.raises(InvalidInput) as refused:
        analyse(session, method="gi_star", categories=["NARCOTICS"], **SF)
    message = refused.value.message
    assert "no incidents match" in message
    listed = message.split("stored categories (any case matches): ")[1]
    first, second = counts.index[:2]
    assert listed.startswith(f"{first} ({counts.iloc[0]:,}), {second} ({counts.iloc[1]:,})")
    assert f"{DRUGS} ({counts[DRUGS]:,})" in listed
    if len(counts) > 12:
        assert listed.endswith(f"and {len(counts) - 12} more")


def test_a_25_m_kernel_density_without_a_cell_size_runs(session):
    result = analyse(session, method="kde", categories=[DRUGS], bandwidth_m=25,
                     area={"kind": "polygon", "geometry": mapping(TENDERLOIN)}, **SF)
    assert result.parameters["cell_size_m"] == 5 == result.summary["density"]["cell_size_m"]
    assert result.summary["density"]["peak_km2"] > 0


def test_a_default_cell_size_grows_to_keep_the_density_grid_within_its_limit(session):
    result = analyse(session, method="kde", categories=[DRUGS], bandwidth_m=25, **SF)  # all of San Francisco
    cell = result.summary["density"]["cell_size_m"]
    assert 5 < cell <= 25 and result.parameters["cell_size_m"] == cell
    rows, cols = result.summary["density"]["grid"]
    assert rows * cols <= MAX_KDE_NODES
    with pytest.raises(InvalidInput, match="density cells"):  # a cell size given is kept, and refused
        analyse(session, method="kde", categories=[DRUGS], bandwidth_m=25, cell_size_m=5, **SF)


@pytest.fixture
def weighted(session, sf_table):
    """Forty drug incidents in the Tenderloin reported by citizens, weighted 0 to 3 (some without a weight)."""
    drugs = sf_table[(sf_table["Category"] == DRUGS) & sf_table.intersects(TENDERLOIN)].head(40)
    frame = gpd.GeoDataFrame({"occurred_at": drugs["Date"].to_numpy(), "category": DRUGS,
                              "source": "citizen-report",
                              "weight": [None if i % 5 == 0 else float(i % 4) for i in range(len(drugs))]},
                             geometry=drugs.geometry.to_numpy(), crs=4326)
    services.import_frame(session, "incident", frame, name="weighted", actor=SYSTEM,
                          mapping=services.Mapping(timezone="America/Los_Angeles"))
    return frame


@pytest.fixture
def sf_table(shared_data) -> gpd.GeoDataFrame:
    table = pd.read_csv(shared_data / "sf_crime_2012/sf_crime_jul_dec_2012_points.csv")
    return gpd.GeoDataFrame(table, geometry=gpd.points_from_xy(table.lon, table.lat), crs=4326)


def test_a_weighted_density_holds_the_sum_of_the_weights(session, weighted):
    total = weighted["weight"].fillna(1).sum()  # a missing weight counts 1
    options = dict(method="kde", sources=["citizen-report"], bandwidth_m=200, **SF)
    plain, heavy = analyse(session, **options), analyse(session, weight_field="weight", **options)
    assert plain.summary["density"]["mass"] == pytest.approx(len(weighted), rel=1e-3)
    assert heavy.summary["density"]["mass"] == pytest.approx(total, rel=1e-3) and total != len(weighted)
    assert heavy.parameters["weight_field"] == "weight" == heavy.summary["weight_field"]
    assert (plain.summary["unit"], heavy.summary["unit"]) == ("incidents per km²", "weight per km²")


def test_gi_star_tests_the_sum_of_weights_per_cell(session, weighted):
    from geo.analysis.cells import grid_counts
    from geo.analysis.hotspots import gi_star

    result = analyse(session, method="gi_star", sources=["citizen-report"], cell_size_m=50,
                     weight_field="weight", **SF)
    points = weighted.assign(weight=weighted["weight"].fillna(1))
    expected = gi_star(grid_counts(points, cell_size_m=50, weight="weight"), column="weight_sum")
    assert len(expected) == len(result.cells)
    np.testing.assert_allclose(result.cells["z"], expected["gi_z"], equal_nan=True)
    counted = analyse(session, method="gi_star", sources=["citizen-report"], cell_size_m=50, **SF)
    assert not np.allclose(counted.cells["z"], result.cells["z"], equal_nan=True)


def test_a_negative_weight_is_refused_on_import(session):
    frame = gpd.GeoDataFrame({"occurred_at": ["2012-08-01"], "category": ["X"], "weight": [-1.0]},
                             geometry=[Point(-122.41, 37.78)], crs=4326)
    with pytest.raises(InvalidInput) as refused:
        services.import_frame(session, "incident", frame, name="negative", actor=SYSTEM)
    assert any("below the minimum 0" in e.reason for e in refused.value.rows)



def test_a_crs_meant_for_another_part_of_the_world_is_refused(session):
    with pytest.raises(InvalidInput, match="EPSG:32643 .* is meant for lon 72 to 78.*lies outside it"):
        analyse(session, method="gi_star", categories=[DRUGS], crs=32643, **SF)
    with pytest.raises(InvalidInput, match="is meant for"):
        analyse(session, method="kde", categories=[DRUGS], crs=2056, **SF)  # Swiss CH1903+ / LV95
    assert stored(session) == 0
