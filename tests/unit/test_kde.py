"""Kernel density in incidents per km²: mass, agreement of the binned FFT with the exact sum."""
from __future__ import annotations

import geopandas as gpd
import numpy as np
import pytest
from shapely.geometry import Point, box

from geo.analysis.kde import (binned_density, density_contours, exact_density, kde,
                              kernel_values)
from geo.crs import metric_crs_for
from geo.errors import InvalidInput

# The binned FFT's largest error against the exact sum, as a share of the peak, with cells of a
# twentieth of the bandwidth (quartic: error ~ (cell/bandwidth)² at worst, less as points average
# out; the Gaussian kernel is corrected for the binning to second order).
FFT_TOLERANCE = {"quartic": 1e-3, "gaussian": 1e-4}


def incidents(n: int = 3000, seed: int = 0, spread: float = 0.06) -> gpd.GeoDataFrame:
    """A cluster and a scatter around it near Almaty, with weights."""
    rng = np.random.default_rng(seed)
    rest = n - n // 2
    lon = np.concatenate([rng.normal(76.93, 0.003, n // 2), 76.93 + (rng.random(rest) - 0.5) * spread])
    lat = np.concatenate([rng.normal(43.25, 0.002, n // 2), 43.25 + (rng.random(rest) - 0.5) * spread])
    return gpd.GeoDataFrame({"weight": rng.integers(1, 5, n).astype(float)},
                            geometry=gpd.points_from_xy(lon, lat), crs="EPSG:4326")


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("r", np.linspace(0, 700, 8))
def test_kernels_integrate_to_one_over_the_plane(kernel, r):
    radii = np.linspace(0, 2000, 200_001)
    inner = kernel_values(radii, bandwidth_m=100, kernel=kernel) * 2 * np.pi * radii
    assert np.trapezoid(inner, radii) == pytest.approx(1.0, abs=1e-6)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
@pytest.mark.parametrize("weight", [None, "weight"])
def test_total_mass_equals_the_number_or_weight_of_incidents(kernel, weight):
    points = incidents()
    surface = kde(points, bandwidth_m=200, cell_size_m=20, kernel=kernel, weight=weight)
    expected = len(points) if weight is None else points["weight"].sum()
    assert surface.mass() == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize("kernel", ["quartic", "gaussian"])
def test_the_fft_surface_matches_the_exact_sum_to_the_stated_share_of_the_peak(kernel):
    points = incidents(1000, spread=0.015)
    fast = kde(points, bandwidth_m=250, cell_size_m=12.5, kernel=kernel)
    exact = kde(points, bandwidth_m=250, cell_size_m=12.5, kernel=kernel, method="exact")
    assert fast.density.shape == exact.density.shape
    error = np.abs(fast.density - exact.density).max() / exact.density.max()
    assert error < FFT_TOLERANCE[kernel]


def test_binned_density_of_one_point_on_a_node_is_the_kernel_itself():
    density = binned_density(np.array([[500.0, 500.0]]), np.ones(1), x0=0, y0=0, nx=101, ny=101,
                             cell_size_m=10, bandwidth_m=100)
    nodes = np.column_stack([np.tile(np.arange(101) * 10.0, 101), np.repeat(np.arange(101) * 10.0, 101)])
    exact = exact_density(np.array([[500.0, 500.0]]), np.ones(1), nodes, bandwidth_m=100)
    np.testing.assert_allclose(density.ravel(), exact, rtol=0, atol=1e-9 * exact.max())


def test_incidents_just_outside_an_area_still_shine_into_it():
    point = gpd.GeoDataFrame(geometry=[Point(76.930, 43.250)], crs=4326)
    area = box(76.931, 43.245, 76.94, 43.255)  # the incident lies ~80 m west of the area
    surface = kde(point, bandwidth_m=250, cell_size_m=10, area=area)
    assert surface.density.max() > 0


def test_the_peak_sits_on_the_dense_cluster():
    surface = kde(incidents(), bandwidth_m=200, cell_size_m=20)
    peak = surface.peak()
    assert peak.distance(Point(76.93, 43.25)) < 0.002


def test_density_is_reported_per_square_kilometre():
    # 100 incidents on one spot, quartic kernel of radius 1 km: peak = 100 * 3 / (pi * 1 km²)
    points = gpd.GeoDataFrame(geometry=[Point(76.93, 43.25)] * 100, crs=4326)
    surface = kde(points, bandwidth_m=1000, cell_size_m=10, area=Point(76.93, 43.25).buffer(0.001))
    assert surface.density.max() == pytest.approx(300 / np.pi, rel=1e-3)


def test_cells_and_transform_place_the_surface_on_the_map():
    surface = kde(incidents(500), bandwidth_m=300, cell_size_m=50)
    cells = surface.cells(min_density=0)
    assert cells.crs.to_epsg() == 4326
    assert len(cells) == int((surface.density > 0).sum())
    a, s, _, top, _, neg = surface.transform
    assert s == 50 and neg == -50
    assert top == pytest.approx(surface.y0 + (surface.density.shape[0] - 0.5) * 50)


def test_contour_bands_nest_and_carry_their_levels():
    surface = kde(incidents(), bandwidth_m=200, cell_size_m=20)
    bands = density_contours(surface, n_levels=4)
    assert bands.crs.to_epsg() == 4326
    assert len(bands) == 4
    assert (bands["level_min"].diff().dropna() > 0).all()
    assert bands.is_valid.all()
    metric = bands.to_crs(metric_crs_for(bands))
    assert metric.area.iloc[0] > metric.area.iloc[-1]
    assert bands.geometry.iloc[-1].distance(surface.peak()) < 1e-6


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"bandwidth_m": 0, "cell_size_m": 10}, "positive"),
    ({"bandwidth_m": 100, "cell_size_m": 10, "kernel": "epanechnikov"}, "kernel"),
    ({"bandwidth_m": 100, "cell_size_m": 0.5}, "larger cells"),
])
def test_bad_kde_options_are_refused_with_a_message(kwargs, message):
    with pytest.raises(InvalidInput, match=message):
        kde(incidents(10), **kwargs)


def test_no_incidents_is_refused_with_a_message():
    with pytest.raises(InvalidInput, match="no incidents"):
        kde(incidents(10).iloc[:0], bandwidth_m=100, cell_size_m=10)


def test_a_density_grid_in_a_given_crs_has_its_cell_corners_at_the_origin_plus_whole_cells():
    rng = np.random.default_rng(4)
    points = gpd.GeoDataFrame(geometry=gpd.points_from_xy(76.9 + rng.random(200) * 0.02,
                                                          43.2 + rng.random(200) * 0.02), crs=4326)
    surface = kde(points, bandwidth_m=200, cell_size_m=20, crs=32643, origin=(7, 3))
    assert surface.crs.to_epsg() == 32643
    for start, o in ((surface.x0, 7), (surface.y0, 3)):
        steps = (start - 10 - o) / 20  # x0, y0 are cell centres: half a cell from the corner
        assert steps == pytest.approx(round(steps), abs=1e-9)
    assert surface.mass() == pytest.approx(200, rel=1e-3)
