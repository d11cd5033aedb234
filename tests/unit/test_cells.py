"""Incidents counted into square and hexagon cells in metres, or into given polygons."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from libpysal.graph import Graph
from shapely.geometry import Point, box

from geo.analysis.cells import cell_neighbours, grid_counts, polygon_counts
from geo.crs import metric_crs_for
from geo.errors import InvalidInput

ALMATY = (76.92, 43.24)


def scatter(n: int = 2000, seed: int = 0, spread: float = 0.03) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    lon = ALMATY[0] + rng.random(n) * spread
    lat = ALMATY[1] + rng.random(n) * spread
    return gpd.GeoDataFrame({"weight": rng.integers(1, 4, n).astype(float)},
                            geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


@pytest.mark.parametrize("shape", ["square", "hexagon"])
def test_every_incident_is_counted_once_in_the_cell_that_holds_it(shape):
    points = scatter()
    cells = grid_counts(points, cell_size_m=300, shape=shape)
    assert cells.crs.to_epsg() == 4326
    assert cells["count"].sum() == len(points)
    joined = gpd.sjoin(points, cells, predicate="within")
    by_join = joined.groupby("cell_id").size().reindex(cells["cell_id"], fill_value=0)
    np.testing.assert_array_equal(by_join.to_numpy(), cells["count"].to_numpy())


@pytest.mark.parametrize("shape", ["square", "hexagon"])
def test_cells_have_the_area_of_a_square_of_the_cell_size(shape):
    cells = grid_counts(scatter(), cell_size_m=250, shape=shape)
    areas = cells.to_crs(metric_crs_for(cells)).area
    np.testing.assert_allclose(areas, 250 * 250, rtol=1e-9)


def test_empty_cells_inside_the_extent_are_kept_for_the_statistics():
    points = gpd.GeoDataFrame(geometry=[Point(76.90, 43.20), Point(76.95, 43.25)], crs=4326)
    cells = grid_counts(points, cell_size_m=500)
    assert (cells["count"] == 0).sum() > 50 and cells["count"].sum() == 2


def test_weights_are_summed_beside_the_count():
    points = scatter()
    cells = grid_counts(points, cell_size_m=400, weight="weight")
    assert cells["weight_sum"].sum() == pytest.approx(points["weight"].sum())


def test_the_grid_is_anchored_so_two_runs_share_their_cells():
    a = grid_counts(scatter(seed=1), cell_size_m=200)
    b = grid_counts(scatter(seed=2), cell_size_m=200)
    shared = a.merge(b, on=["row", "col"])
    assert len(shared) > 0.9 * len(a)
    assert shared.geometry_x.geom_equals_exact(shared.geometry_y, tolerance=1e-12).all()


def test_an_area_limits_the_grid_to_the_cells_touching_it():
    area = box(76.925, 43.245, 76.935, 43.255)
    cells = grid_counts(scatter(), cell_size_m=250, area=area)
    assert cells.intersects(area).all()
    assert cells.attrs["grid"]["outside"] > 0


@pytest.mark.parametrize("shape", ["square", "hexagon"])
@pytest.mark.parametrize("method", ["queen", "rook"])
def test_grid_neighbours_by_arithmetic_equal_libpysal_contiguity(shape, method):
    cells = grid_counts(scatter(500), cell_size_m=300, shape=shape)
    ours = cell_neighbours(cells, method=method)
    theirs = Graph.build_contiguity(cells.reset_index(drop=True), rook=method == "rook").sparse
    theirs.setdiag(0)
    theirs.eliminate_zeros()
    assert abs(ours - (theirs != 0).astype(float)).sum() == 0


def test_square_cells_have_eight_queen_and_four_rook_neighbours_inside():
    cells = grid_counts(scatter(), cell_size_m=300)
    queen = np.asarray(cell_neighbours(cells, method="queen").sum(axis=1)).ravel()
    rook = np.asarray(cell_neighbours(cells, method="rook").sum(axis=1)).ravel()
    assert queen.max() == 8 and rook.max() == 4


def test_a_distance_band_joins_cell_centres_within_the_distance_in_metres():
    cells = grid_counts(scatter(), cell_size_m=300)
    w = cell_neighbours(cells, method="distance", distance_m=301)
    assert np.asarray(w.sum(axis=1)).max() == 4  # rook steps are 300 m, diagonals 424 m


def test_polygon_counts_count_a_point_on_a_shared_border_once():
    left, right = box(0, 0, 1, 1), box(1, 0, 2, 1)
    polygons = gpd.GeoDataFrame({"name": ["left", "right"]}, geometry=[left, right], crs=4326)
    points = gpd.GeoDataFrame({"w": [1.0, 2.0, 5.0]},
                              geometry=[Point(0.5, 0.5), Point(1.0, 0.5), Point(1.5, 0.5)], crs=4326)
    out = polygon_counts(points, polygons, weight="w")
    assert out["count"].sum() == 3
    assert out["weight_sum"].sum() == 8.0
    assert out.loc[out["name"] == "right", "count"].item() >= 1


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"cell_size_m": 0}, "positive"),
    ({"cell_size_m": 100, "shape": "triangle"}, "shape"),
    ({"cell_size_m": 0.5}, "larger cells"),
])
def test_bad_grid_options_are_refused_with_a_message(kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        grid_counts(scatter(10), **kwargs)


def test_an_empty_selection_without_an_area_is_refused():
    with pytest.raises(InvalidInput, match="empty"):
        grid_counts(scatter(10).iloc[:0], cell_size_m=100)


@pytest.mark.parametrize("shape", ["square", "hexagon"])
@pytest.mark.parametrize("origin", [(0.0, 0.0), (120.0, -75.5)])
def test_a_grid_in_a_given_crs_lies_at_its_origin_and_still_counts_every_incident_once(shape, origin):
    points = scatter()
    cells = grid_counts(points, cell_size_m=300, shape=shape, crs=3857, origin=origin)
    assert cells.attrs["grid"]["metric_crs"] == "EPSG:3857" and cells.attrs["grid"]["origin"] == list(origin)
    joined = gpd.sjoin(points, cells, predicate="within")
    by_join = joined.groupby("cell_id").size().reindex(cells["cell_id"], fill_value=0)
    np.testing.assert_array_equal(by_join.to_numpy(), cells["count"].to_numpy())
    metric = cells.to_crs(3857)
    if shape == "square":
        corners = (metric.bounds[["minx", "miny"]].to_numpy() - origin) / 300
    else:  # hexagon centres lie on the lattice through the origin
        edge = 300 * np.sqrt(2 / (3 * np.sqrt(3)))
        centres = metric.centroid.get_coordinates().to_numpy() - origin
        corners = centres / [np.sqrt(3) * edge / 2, 1.5 * edge]
    np.testing.assert_allclose(corners, np.round(corners), atol=1e-6)


def test_an_origin_shifts_every_square_by_the_same_offset():
    points = scatter()
    plain = grid_counts(points, cell_size_m=250, crs=32643).to_crs(32643).bounds
    shifted = grid_counts(points, cell_size_m=250, crs=32643, origin=(100, 40)).to_crs(32643).bounds
    for bounds, (ox, oy) in ((plain, (0, 0)), (shifted, (100, 40))):
        steps = (bounds[["minx", "miny"]].to_numpy() - (ox, oy)) / 250
        np.testing.assert_allclose(steps, np.round(steps), atol=1e-6)
    assert not np.allclose(np.sort(plain["minx"].unique())[:3], np.sort(shifted["minx"].unique())[:3])
