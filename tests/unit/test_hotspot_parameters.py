"""The options of a hot spot run: grid CRS, origin and extent, weight field, a kernel
density's default cells, analysis areas — checked before anything is read."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from geo.errors import InvalidInput
from geo.services.hotspots.options import MAX_BANDWIDTH_M, MIN_KDE_CELL_SIZE_M, RUN_FIELDS, Parameters, parameters


@given(st.floats(min_value=MIN_KDE_CELL_SIZE_M, max_value=MAX_BANDWIDTH_M))
def test_a_kernel_densitys_default_cells_pass_its_own_checks_for_every_bandwidth(bandwidth):
    chosen = parameters("kde", bandwidth_m=bandwidth)
    assert MIN_KDE_CELL_SIZE_M <= chosen.cell_size_m <= bandwidth and chosen.cell_size_default
    again = Parameters.from_json({"method": "kde", **chosen.as_json()})  # the stored options run again
    assert again.cell_size_m == chosen.cell_size_m and not again.cell_size_default


def test_a_25_m_bandwidth_gets_5_m_cells():
    assert parameters("kde", bandwidth_m=25).cell_size_m == 5


def test_grid_options_are_stored_with_the_run_and_read_back():
    stored = Parameters.from_json({"method": "gi_star", "crs": 32643, "origin": [10, -20.5], "extent": "layer",
                                   "weight_field": "weight"}).as_json()
    assert stored["crs"] == 32643 and stored["origin"] == [10.0, -20.5] and stored["extent"] == "layer"
    assert Parameters.from_json({"method": "gi_star", **stored}).as_json() == stored
    assert "cell_size_default" not in RUN_FIELDS  # kuzet's own note, not an option of the API


def test_runs_without_the_new_options_store_what_they_stored_before():
    assert Parameters.from_json({"method": "gi_star"}).as_json() == {
        "aggregation": "square", "cell_size_m": 250.0, "neighbours": "queen", "weights": "binary", "permutations": 0}


@pytest.mark.parametrize(("options", "message"), [
    ({"crs": 4326}, "geographic"),
    ({"crs": True}, "crs must be an EPSG code"),
    ({"origin": "0,0"}, "origin must be two numbers"),
    ({"origin": [0, 0, 0]}, "origin must be two numbers"),
    ({"origin": [1e9, 0]}, "origin must be at least"),
    ({"extent": "everywhere"}, "unknown extent"),
    ({"weight_field": "count"}, "unknown weight_field"),
    ({"aggregation": "patrol_zone", "origin": [0, 0]}, "origin and extent belong to a grid"),
    ({"aggregation": "analysis_area", "area_set": " "}, "needs area_set"),
    ({"neighbours": "file", "aggregation": "district"}, "need aggregation analysis_area"),
])
def test_bad_options_are_refused_naming_the_option(options, message):
    with pytest.raises(InvalidInput, match=message):
        parameters("gi_star", **options)
