"""Kernel density of incidents in metres, in incidents per km², by binned FFT convolution.

Points are linearly binned onto the grid nodes (cell centres) and the binned counts convolved with the
kernel sampled at the node offsets (``scipy.signal.fftconvolve``): O(G log G) for G nodes instead of
the exact sum's O(G x N). The error against the exact sum is the binning's, of order
(cell_size_m / bandwidth_m)² of the peak at worst and far less where many points average out (and,
for the Gaussian kernel, corrected to second order); tests/unit/test_kde.py and
benchmarks/bench_hotspots.py measure it. The grid is padded by the kernel's support, so no mass is
lost at the edges. ``density_contours`` and ``density_bands`` draw the surface as filled bands.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS
from scipy.signal import fftconvolve
from shapely.geometry import Point

from ..crs import STORAGE_CRS, metric_crs_for
from ..errors import InvalidInput
from ..messages import N_, Message
from .cells import point_xy

Kernel = Literal["quartic", "gaussian"]
GAUSSIAN_SUPPORT = 5.0  # a Gaussian kernel is cut at 5 bandwidths (sigmas): e^-12.5 of its peak
M2_PER_KM2 = 1e6
MAX_NODES = 25_000_000  # 200 MB of float64: larger grids are a mistake of units, not a request


@dataclass(frozen=True)
class DensitySurface:
    """A density grid: ``density[row, col]`` in incidents per km² at cell centres.

    Row 0 is the southernmost row; the centre of cell (row, col) is
    ``(x0 + col * cell_size_m, y0 + row * cell_size_m)`` in ``crs`` (the area's UTM zone).
    """

    density: np.ndarray
    x0: float
    y0: float
    cell_size_m: float
    crs: CRS
    bandwidth_m: float
    kernel: str

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """GDAL geotransform of the grid flipped north-up (``density[::-1]``)."""
        s = self.cell_size_m
        top = self.y0 + (self.density.shape[0] - 0.5) * s
        return (self.x0 - s / 2, s, 0.0, top, 0.0, -s)

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """x and y of every cell centre, each shaped like ``density``."""
        ny, nx = self.density.shape
        return np.meshgrid(self.x0 + np.arange(nx) * self.cell_size_m,
                           self.y0 + np.arange(ny) * self.cell_size_m)

    def mass(self) -> float:
        """Incidents under the surface: the sum of density times cell area."""
        return float(self.density.sum() * self.cell_size_m**2 / M2_PER_KM2)

    def peak(self) -> Point:
        """The centre of the densest cell, in EPSG:4326."""
        row, col = np.unravel_index(np.argmax(self.density), self.density.shape)
        x, y = self.x0 + col * self.cell_size_m, self.y0 + row * self.cell_size_m
        return gpd.GeoSeries([Point(x, y)], crs=self.crs).to_crs(STORAGE_CRS).iloc[0]

    def cells(self, *, min_density: float = 0.0) -> gpd.GeoDataFrame:
        """The cells denser than ``min_density`` as squares in EPSG:4326 with ``density_km2``."""
        x, y = self.centres()
        keep = self.density > min_density
        h = self.cell_size_m / 2
        squares = shapely.box(x[keep] - h, y[keep] - h, x[keep] + h, y[keep] + h)
        return gpd.GeoDataFrame({"density_km2": self.density[keep]}, geometry=squares,
                                crs=self.crs).to_crs(STORAGE_CRS)


def kde(points: gpd.GeoDataFrame, *, bandwidth_m: float, cell_size_m: float,
        kernel: Kernel = "quartic", weight: str | None = None, area=None,
        method: Literal["fft", "exact"] = "fft", crs: CRS | None = None,
        origin: tuple[float, float] = (0.0, 0.0)) -> DensitySurface:
    """Kernel density of ``points`` in incidents (or ``weight`` units) per km².

    The grid covers ``area`` (a polygon in EPSG:4326 or a layer) or else the points' bounds grown by
    the kernel's support, in ``crs`` (a projected CRS in metres; default the UTM zone of the extent),
    its cells' corners at ``origin`` plus multiples of the cell size. ``bandwidth_m`` is the quartic kernel's
    radius or the Gaussian kernel's standard deviation. ``method="exact"`` sums every kernel (slow;
    for checks).

    Examples
    --------
    >>> surface = kde(incidents, bandwidth_m=250, cell_size_m=25)  # doctest: +SKIP
    >>> surface.peak(), surface.mass()  # doctest: +SKIP
    """
    if bandwidth_m <= 0 or cell_size_m <= 0:
        raise InvalidInput(Message("kde.bandwidth-cell-size",
                                   N_("bandwidth and cell size must be positive numbers of metres")))
    if kernel not in ("quartic", "gaussian"):
        raise InvalidInput(Message("kde.unknown-kernel-quartic",
                                   N_("unknown kernel %(kernel)r; use 'quartic' or 'gaussian'"),
                                   kernel=kernel))
    points = points[points.geometry.notna() & ~points.geometry.is_empty]
    if points.empty:
        raise InvalidInput(Message("kde.no-incidents-estimate-density",
                                   N_("no incidents to estimate a density from")))
    extent = points if area is None else (
        gpd.GeoDataFrame(geometry=[area], crs=STORAGE_CRS) if isinstance(area, shapely.Geometry)
        else area)
    crs = metric_crs_for(extent) if crs is None else CRS.from_user_input(crs)
    ox, oy = (float(v) for v in origin)
    xy = point_xy(points, crs)
    w = np.ones(len(xy)) if weight is None else points[weight].to_numpy(dtype=float)
    pad = 0.0 if area is not None else support_m(bandwidth_m, kernel)
    minx, miny, maxx, maxy = (extent.to_crs(crs).total_bounds if area is not None
                              else (*xy.min(axis=0), *xy.max(axis=0)))
    if not (np.isfinite([minx, miny, maxx, maxy]).all() and np.isfinite(xy).all()):
        raise InvalidInput(Message("cells.cannot-project-area",
                                   N_("%(crs_name)s cannot project this area; choose a CRS meant for it"),
                                   crs_name=crs.name))
    x0, y0, nx, ny = density_grid((minx, miny, maxx, maxy), cell_size_m=cell_size_m, pad_m=pad, origin=(ox, oy))
    if method == "exact":
        gx, gy = np.meshgrid(x0 + np.arange(nx) * cell_size_m, y0 + np.arange(ny) * cell_size_m)
        nodes = np.column_stack([gx.ravel(), gy.ravel()])
        density = exact_density(xy, w, nodes, bandwidth_m=bandwidth_m, kernel=kernel)
        density = density.reshape(ny, nx)
    else:
        density = binned_density(xy, w, x0=x0, y0=y0, nx=nx, ny=ny, cell_size_m=cell_size_m,
                                 bandwidth_m=bandwidth_m, kernel=kernel)
    return DensitySurface(density, float(x0), float(y0), float(cell_size_m), crs,
                          float(bandwidth_m), kernel)


def binned_density(xy: np.ndarray, weights: np.ndarray, *, x0: float, y0: float, nx: int, ny: int,
                   cell_size_m: float, bandwidth_m: float, kernel: Kernel = "quartic") -> np.ndarray:
    """Density per km² at nodes ``(x0 + i*s, y0 + j*s)`` by linear binning and FFT convolution.

    Coordinates in metres; returns a (ny, nx) array, row 0 at ``y0``.
    """
    s = cell_size_m
    reach = reach_of(bandwidth_m, kernel, s)
    # bin onto the grid grown by the kernel's reach: points just outside still shine inside
    gx = (xy[:, 0] - x0) / s + reach
    gy = (xy[:, 1] - y0) / s + reach
    px, py = nx + 2 * reach, ny + 2 * reach
    ix, iy = np.floor(gx).astype(np.int64), np.floor(gy).astype(np.int64)
    fx, fy = gx - ix, gy - iy
    inside = (ix >= 0) & (ix < px - 1) & (iy >= 0) & (iy < py - 1)
    ix, iy, fx, fy, w = ix[inside], iy[inside], fx[inside], fy[inside], weights[inside]
    binned = np.zeros(px * py)
    for dx, dy, share in ((0, 0, (1 - fx) * (1 - fy)), (1, 0, fx * (1 - fy)),
                          (0, 1, (1 - fx) * fy), (1, 1, fx * fy)):
        binned += np.bincount((iy + dy) * px + ix + dx, weights=w * share, minlength=px * py)
    return smooth_bins(binned.reshape(py, px), nx=nx, ny=ny, cell_size_m=s, bandwidth_m=bandwidth_m, kernel=kernel)


def density_grid(bounds_m: tuple[float, float, float, float], *, cell_size_m: float, pad_m: float = 0.0,
                 origin: tuple[float, float] = (0.0, 0.0)) -> tuple[float, float, int, int]:
    """The first node (x0, y0) and the node counts (nx, ny) of a density grid over metric
    ``bounds_m`` grown by ``pad_m``, cell corners at ``origin`` plus multiples of the cell size;
    InvalidInput beyond MAX_NODES."""
    minx, miny, maxx, maxy = bounds_m
    ox, oy = origin
    x0 = ox + np.floor((minx - pad_m - ox) / cell_size_m) * cell_size_m + cell_size_m / 2
    y0 = oy + np.floor((miny - pad_m - oy) / cell_size_m) * cell_size_m + cell_size_m / 2
    nx = int(np.ceil((maxx + pad_m - x0) / cell_size_m)) + 1
    ny = int(np.ceil((maxy + pad_m - y0) / cell_size_m)) + 1
    if nx * ny > MAX_NODES:
        raise InvalidInput(Message("kde.cells-would-make",
                                   N_("cells of %(cell_size_m)g m would make %(value)s cells over this area; "
                                      "choose larger cells or a smaller area"),
                                   cell_size_m=cell_size_m, value=format(nx * ny, ',')))
    return float(x0), float(y0), nx, ny


def reach_of(bandwidth_m: float, kernel: Kernel, cell_size_m: float) -> int:
    """How many cells a kernel reaches on each side of its node."""
    return int(np.ceil(support_m(bandwidth_m, kernel) / cell_size_m))


def bins_from_shares(ix: np.ndarray, iy: np.ndarray, shares: tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], *,
                     nx: int, ny: int, reach: int) -> np.ndarray:
    """The (ny + 2 reach, nx + 2 reach) bins of :func:`binned_density` from per-node sums of the
    points' four linear-binning shares (lower left, right, up, upper right), as
    ``geo.db.aggregate.kde_bins`` returns them; nodes outside the grown grid are dropped as there."""
    px, py = nx + 2 * reach, ny + 2 * reach
    inside = (ix >= 0) & (ix < px - 1) & (iy >= 0) & (iy < py - 1)
    ix, iy = ix[inside], iy[inside]
    binned = np.zeros(px * py)
    for (dx, dy), share in zip(((0, 0), (1, 0), (0, 1), (1, 1)), shares, strict=True):
        binned += np.bincount((iy + dy) * px + ix + dx, weights=share[inside], minlength=px * py)
    return binned.reshape(py, px)


def smooth_bins(binned: np.ndarray, *, nx: int, ny: int, cell_size_m: float, bandwidth_m: float,
                kernel: Kernel = "quartic") -> np.ndarray:
    """Density per km² at the (ny, nx) nodes: the grown grid's ``binned`` weights convolved with the kernel."""
    s = cell_size_m
    reach = reach_of(bandwidth_m, kernel, s)
    offsets = np.arange(-reach, reach + 1) * s
    if kernel == "gaussian":
        # Separable: two 1-D passes. Linear binning smooths each point by a hat of variance s²/6
        # per axis, adding (s²/12)·g'' to the estimate; passing g - (s²/12)·g'' cancels that to
        # second order (the quartic kernel, whose g'' jumps at its rim, is left as sampled).
        u = offsets / bandwidth_m
        g = np.exp(-0.5 * u**2) * (1 - s * s / 12 * (u**2 - 1) / bandwidth_m**2)
        smooth = fftconvolve(binned, g[None, :], mode="same", axes=1)
        smooth = fftconvolve(smooth, g[:, None], mode="same", axes=0) / (2 * np.pi * bandwidth_m**2)
    else:
        stencil = kernel_values(np.hypot(*np.meshgrid(offsets, offsets)), bandwidth_m=bandwidth_m,
                                kernel=kernel)
        smooth = fftconvolve(binned, stencil, mode="same")
    # FFT round-off leaves values of ~1e-16 x peak, some negative, where there is nothing
    return np.clip(smooth[reach:reach + ny, reach:reach + nx], 0.0, None) * M2_PER_KM2


def exact_density(xy: np.ndarray, weights: np.ndarray, nodes: np.ndarray, *, bandwidth_m: float,
                  kernel: Kernel = "quartic") -> np.ndarray:
    """Density per km² at ``nodes`` by summing every point's kernel (the reference; O(nodes x N))."""
    out = np.empty(len(nodes))
    step = max(1, 2_000_000 // max(len(xy), 1))
    for lo in range(0, len(nodes), step):
        chunk = nodes[lo:lo + step]
        r = np.hypot(chunk[:, None, 0] - xy[None, :, 0], chunk[:, None, 1] - xy[None, :, 1])
        out[lo:lo + step] = kernel_values(r, bandwidth_m=bandwidth_m, kernel=kernel) @ weights
    return out * M2_PER_KM2


def kernel_values(r: np.ndarray, *, bandwidth_m: float, kernel: Kernel = "quartic") -> np.ndarray:
    """The 2-D kernel at distance ``r`` metres, per m², integrating to 1 over the plane."""
    h2 = bandwidth_m**2
    if kernel == "gaussian":
        return np.exp(-0.5 * r**2 / h2) / (2 * np.pi * h2)
    u = np.clip(1.0 - r**2 / h2, 0.0, None)
    return 3.0 / (np.pi * h2) * u * u


def support_m(bandwidth_m: float, kernel: Kernel) -> float:
    """How far a kernel reaches: the bandwidth (quartic) or five of them (Gaussian)."""
    return bandwidth_m * (GAUSSIAN_SUPPORT if kernel == "gaussian" else 1.0)


def density_contours(surface: DensitySurface, *, levels=None, n_levels: int = 5) -> gpd.GeoDataFrame:
    """Filled contour bands of a surface as polygons in EPSG:4326, for the map.

    Bands run from each level to the next (the last one to the peak); by default ``n_levels`` bands
    split the range from zero to the peak evenly, the background below the first left out.
    Columns ``level_min`` and ``level_max`` are in incidents per km².

    Examples
    --------
    >>> bands = density_contours(kde(incidents, bandwidth_m=250, cell_size_m=25))  # doctest: +SKIP
    """
    from contourpy import FillType, contour_generator

    peak = float(surface.density.max())
    if peak <= 0:
        return gpd.GeoDataFrame({"level_min": [], "level_max": []}, geometry=[], crs=STORAGE_CRS)
    levels = peak * np.arange(1, n_levels + 1) / (n_levels + 1) if levels is None else levels
    bounds = [float(v) for v in levels if 0 < v < peak]
    edges = [*bounds, peak * (1 + 1e-9)]
    x, y = surface.centres()
    generator = contour_generator(x, y, surface.density, fill_type=FillType.OuterOffset)
    rows = []
    for lo, hi in zip(edges[:-1], edges[1:], strict=True):
        polygons = [shapely.Polygon(points[offsets[0]:offsets[1]],
                                    [points[a:b] for a, b in zip(offsets[1:-1], offsets[2:], strict=True)])
                    for points, offsets in zip(*generator.filled(lo, hi), strict=True)]
        if polygons:
            rows.append({"level_min": lo, "level_max": min(hi, peak),
                         "geometry": shapely.make_valid(shapely.MultiPolygon(polygons))})
    bands = gpd.GeoDataFrame(rows, geometry="geometry", crs=surface.crs) if rows else \
        gpd.GeoDataFrame({"level_min": [], "level_max": []}, geometry=[], crs=surface.crs)
    return bands.to_crs(STORAGE_CRS)


def density_bands(surface: DensitySurface, *, n_levels: int = 5) -> gpd.GeoDataFrame:
    """The contour bands of :func:`density_contours` numbered from 1 (``band``), each with its area
    in km² (``area_km2``, measured in the surface's metric CRS), as polygons in EPSG:4326.

    Examples
    --------
    >>> bands = density_bands(kde(incidents, bandwidth_m=250, cell_size_m=25))  # doctest: +SKIP
    >>> bands[["band", "level_min", "level_max", "area_km2"]]  # doctest: +SKIP
    """
    bands = density_contours(surface, n_levels=n_levels).reset_index(drop=True)
    bands.insert(0, "band", np.arange(1, len(bands) + 1))
    bands["area_km2"] = bands.to_crs(surface.crs).area.to_numpy() / M2_PER_KM2 if len(bands) else np.zeros(0)
    return bands
