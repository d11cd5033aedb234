"""Incidents counted into cells: a square or hexagon grid in metres, or given polygons.

Grids are laid in a metric CRS (by default the UTM zone of the area, ``geo.crs.metric_crs_for``) and
anchored at an origin plus multiples of the cell size (by default 0, 0), so two runs over the same
extent in the same CRS share their cells. Cells over the whole study extent are
kept, the empty ones too: Gi* and Moran need the zeros.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import geopandas as gpd
import numpy as np
import shapely
from pyproj import CRS, Transformer
from scipy import sparse
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_CRS, metric_crs_for
from ..errors import InvalidInput
from ..messages import N_, Message

GridShape = Literal["square", "hexagon"]
MAX_CELLS = 2_000_000  # beyond this a grid is a mistake (metres for kilometres), not an analysis
# Neighbour steps (row, col) of a hexagon in "odd-r" offset rows: odd rows sit half a cell east.
_HEX_STEPS = {0: ((0, -1), (0, 1), (-1, -1), (-1, 0), (1, -1), (1, 0)),
              1: ((0, -1), (0, 1), (-1, 0), (-1, 1), (1, 0), (1, 1))}


def grid_counts(points: gpd.GeoDataFrame, *, cell_size_m: float, shape: GridShape = "square",
                weight: str | None = None, area: BaseGeometry | gpd.GeoDataFrame | None = None,
                crs: CRS | None = None, origin: tuple[float, float] = (0.0, 0.0)) -> gpd.GeoDataFrame:
    """Count points into square or hexagon cells of ``cell_size_m`` over the study extent.

    The extent is ``area`` (a polygon in EPSG:4326 or a layer) or else the points' bounds; every cell
    touching it is returned, empty or not. A hexagon has the area of a square of side ``cell_size_m``,
    so counts are comparable between shapes. Cells are laid in ``crs`` (a projected CRS in metres;
    default the UTM zone of the extent) with a cell corner (square) or centre (hexagon) at
    ``origin`` plus multiples of the cell size.

    Returns
    -------
    GeoDataFrame in EPSG:4326 with ``cell_id``, ``row``, ``col``, ``count`` (and ``weight_sum`` when
    ``weight`` names a column); ``attrs["grid"]`` records shape, size and metric CRS.

    Examples
    --------
    >>> cells = grid_counts(incidents, cell_size_m=250, shape="hexagon")  # doctest: +SKIP
    >>> cells[["cell_id", "count"]].head()  # doctest: +SKIP
    """
    _check_grid(cell_size_m, shape)
    extent = _extent(points, area)
    grid = lay_cells(extent, cell_size_m=cell_size_m, shape=shape, crs=crs, origin=origin)
    points = points[points.geometry.notna() & ~points.geometry.is_empty]
    xy = point_xy(points, grid.crs) - grid.origin
    prow, pcol = _cell_of(xy, cell_size_m, shape)
    w = None if weight is None else points[weight].to_numpy(dtype=float)
    return grid.counted(prow, pcol, np.ones(len(prow), dtype=np.int64), w)


@dataclass(frozen=True)
class LaidGrid:
    """The cells of a grid over an extent: ``rows``, ``cols`` and their polygons in ``crs``."""

    rows: np.ndarray
    cols: np.ndarray
    polygons: np.ndarray
    crs: CRS
    shape: str
    cell_size_m: float
    origin: tuple[float, float]

    def counted(self, rows: np.ndarray, cols: np.ndarray, counts: np.ndarray,
                weight_sums: np.ndarray | None = None) -> gpd.GeoDataFrame:
        """The cells (EPSG:4326) with the ``counts`` (and ``weight_sums``) given per (row, col) key,
        one entry per point or per key already summed; keys outside the grid count as ``outside``."""
        position = _lookup(self.rows, self.cols)
        at = position(np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))
        inside = at >= 0
        counts = np.asarray(counts)
        n = len(self.rows)
        cells = gpd.GeoDataFrame(
            {"cell_id": np.arange(n), "row": self.rows, "col": self.cols,
             "count": np.bincount(at[inside], weights=counts[inside], minlength=n).astype(np.int64)},
            geometry=self.polygons, crs=self.crs).to_crs(STORAGE_CRS)
        if weight_sums is not None:
            cells["weight_sum"] = np.bincount(at[inside], weights=np.asarray(weight_sums, dtype=float)[inside],
                                              minlength=n)
        cells.attrs["grid"] = {"shape": self.shape, "cell_size_m": float(self.cell_size_m),
                               "metric_crs": self.crs.to_string(), "origin": list(self.origin),
                               "outside": int(counts[~inside].sum())}
        return cells


def lay_cells(extent: gpd.GeoDataFrame, *, cell_size_m: float, shape: GridShape = "square",
              crs: CRS | None = None, origin: tuple[float, float] = (0.0, 0.0)) -> LaidGrid:
    """Every square or hexagon cell of ``cell_size_m`` touching ``extent`` (a layer), laid in ``crs``
    (default the UTM zone of the extent) about ``origin``: the grid :func:`grid_counts` counts into.

    Examples
    --------
    >>> grid = lay_cells(districts, cell_size_m=250, shape="hexagon")  # doctest: +SKIP
    >>> cells = grid.counted(rows, cols, counts)  # doctest: +SKIP
    """
    _check_grid(cell_size_m, shape)
    crs = metric_crs_for(extent) if crs is None else CRS.from_user_input(crs)
    ox, oy = (float(v) for v in origin)
    # the grid is laid about the origin: coordinates are shifted by it, cells shifted back
    extent_m = shapely.transform(extent.to_crs(crs).union_all(), lambda c: c - (ox, oy))
    if extent_m.is_empty:
        raise InvalidInput(Message("cells.nothing-count-selection",
                                   N_("nothing to count: the selection has no extent")))
    if not np.isfinite(extent_m.bounds).all():
        raise InvalidInput(Message("cells.cannot-project-area",
                                   N_("%(crs_name)s cannot project this area; choose a CRS meant for it"),
                                   crs_name=crs.name))
    if extent_m.area == 0:  # a single point or a line: give it a cell's room
        extent_m = extent_m.buffer(cell_size_m / 2)
    minx, miny, maxx, maxy = extent_m.bounds
    if (maxx - minx + 2 * cell_size_m) * (maxy - miny + 2 * cell_size_m) / cell_size_m**2 > MAX_CELLS:
        raise InvalidInput(Message("cells.cells-would-make",
                                   N_("cells of %(cell_size_m)g m would make more than %(MAX_CELLS)s cells over "
                                      "this area; choose larger cells or a smaller area"),
                                   cell_size_m=cell_size_m, MAX_CELLS=format(MAX_CELLS, ',')))
    rows, cols, polygons = _lay_grid(extent_m, cell_size_m, shape)
    keep = shapely.intersects(polygons, extent_m)
    rows, cols, polygons = rows[keep], cols[keep], polygons[keep]
    if ox or oy:
        polygons = shapely.transform(polygons, lambda c: c + (ox, oy))
    return LaidGrid(rows, cols, polygons, crs, shape, float(cell_size_m), (ox, oy))


def polygon_counts(points: gpd.GeoDataFrame, polygons: gpd.GeoDataFrame, *,
                   weight: str | None = None) -> gpd.GeoDataFrame:
    """Count points into given polygons (districts, patrol zones, census blocks).

    A point on a shared border counts once, for the first polygon (in the order given) that holds it.

    Examples
    --------
    >>> per_district = polygon_counts(incidents, districts)  # doctest: +SKIP
    """
    areas = polygons.to_crs(STORAGE_CRS).reset_index(drop=True)
    pts = points.to_crs(STORAGE_CRS).reset_index(drop=True)
    joined = gpd.sjoin(pts[[pts.geometry.name]], areas[[areas.geometry.name]], how="inner",
                       predicate="intersects")
    # the spatial index lists a point's polygons in tree order: sort them, so "first" is the polygon's position
    joined = joined.reset_index().sort_values(["index", "index_right"], kind="stable").set_index("index")
    joined = joined[~joined.index.duplicated(keep="first")]
    at = joined["index_right"].to_numpy()
    out = areas.copy()
    out["count"] = np.bincount(at, minlength=len(areas))
    if weight is not None:
        out["weight_sum"] = np.bincount(at, weights=pts.loc[joined.index, weight].to_numpy(float),
                                        minlength=len(areas))
    return out


def cell_neighbours(cells: gpd.GeoDataFrame, *, method: Literal["queen", "rook", "distance"] = "queen",
                    distance_m: float | None = None, crs: CRS | None = None) -> sparse.csr_array:
    """Which cells neighbour which: a symmetric binary sparse matrix with an empty diagonal.

    Grids from :func:`grid_counts` are joined by row/column arithmetic; other polygons by shared
    vertices (queen) or edges (rook) through libpysal; ``"distance"`` joins centroids at most
    ``distance_m`` metres apart, measured in ``crs`` (default the UTM zone of the cells). A row
    without entries is an island.

    Examples
    --------
    >>> w = cell_neighbours(cells, method="rook")  # doctest: +SKIP
    """
    if method == "distance":
        if not distance_m or distance_m <= 0:
            raise InvalidInput(Message("cells.distance-band-needs",
                                       N_("a distance band needs a positive distance_m")))
        return distance_band(_metric_xy(cells, crs), distance_m)
    if method not in ("queen", "rook"):
        raise InvalidInput(Message("cells.unknown-neighbour-rule",
                                   N_("unknown neighbour rule %(method)r; use queen, rook or distance"),
                                   method=method))
    grid = cells.attrs.get("grid")
    if grid and {"row", "col"} <= set(cells.columns):
        return grid_neighbours(cells["row"].to_numpy(), cells["col"].to_numpy(),
                               shape=grid["shape"], queen=method == "queen")
    from libpysal.graph import Graph  # imported here: it is slow to import and only needed here

    geoms = gpd.GeoDataFrame(geometry=cells.geometry.reset_index(drop=True), crs=cells.crs)
    adjacency = Graph.build_contiguity(geoms, rook=method == "rook").sparse
    return binary_pattern(adjacency)


def grid_neighbours(rows: np.ndarray, cols: np.ndarray, *, shape: GridShape = "square",
                    queen: bool = True) -> sparse.csr_array:
    """Contiguity of grid cells given by their row and column (hexagons: odd rows shifted east)."""
    rows, cols = np.asarray(rows), np.asarray(cols)
    position = _lookup(rows, cols)
    src, dst = [], []
    if shape == "hexagon":
        for parity, steps in _HEX_STEPS.items():
            idx = np.flatnonzero(rows % 2 == parity)
            for dr, dc in steps:
                src.append(idx), dst.append(position(rows[idx] + dr, cols[idx] + dc))
    else:
        steps = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1)
                 if (dr, dc) != (0, 0) and (queen or dr == 0 or dc == 0)]
        idx = np.arange(len(rows))
        for dr, dc in steps:
            src.append(idx), dst.append(position(rows + dr, cols + dc))
    i, j = np.concatenate(src), np.concatenate(dst)
    ok = j >= 0
    n = len(rows)
    return sparse.csr_array((np.ones(ok.sum()), (i[ok], j[ok])), shape=(n, n))


def distance_band(xy: np.ndarray, distance_m: float) -> sparse.csr_array:
    """Binary neighbours of points at most ``distance_m`` apart (coordinates in metres)."""
    from scipy.spatial import cKDTree

    pairs = cKDTree(xy).query_pairs(distance_m, output_type="ndarray")
    n = len(xy)
    i = np.concatenate([pairs[:, 0], pairs[:, 1]])
    j = np.concatenate([pairs[:, 1], pairs[:, 0]])
    return sparse.csr_array((np.ones(len(i)), (i, j)), shape=(n, n))


def point_xy(frame: gpd.GeoDataFrame, crs: CRS) -> np.ndarray:
    """(n, 2) coordinates in ``crs`` of each feature (its representative point unless a point)."""
    geoms = frame.geometry.values
    if not (shapely.get_type_id(geoms) == 0).all():
        geoms = shapely.point_on_surface(geoms)
    xy = shapely.get_coordinates(geoms)
    if frame.crs is None or frame.crs.equals(crs):
        return xy
    # pyproj directly: five times quicker than GeoSeries.to_crs on a million points
    x, y = Transformer.from_crs(frame.crs, crs, always_xy=True).transform(xy[:, 0], xy[:, 1])
    return np.column_stack([x, y])


def binary_pattern(adjacency) -> sparse.csr_array:
    """The neighbour pattern of a weights matrix: ones off the diagonal where weights are non-zero."""
    w = sparse.csr_array(adjacency)
    if not w.has_canonical_format:
        w = w.copy()
        w.sum_duplicates()
    n = w.shape[0]
    row = np.repeat(np.arange(n), np.diff(w.indptr))
    keep = (w.indices != row) & (w.data != 0)
    indptr = np.concatenate([[0], np.cumsum(np.bincount(row[keep], minlength=n))])
    return sparse.csr_array((np.ones(int(keep.sum())), w.indices[keep], indptr), shape=w.shape)


def _metric_xy(frame: gpd.GeoDataFrame, crs: CRS | None = None) -> np.ndarray:
    """Centroid coordinates in metres (in ``crs`` when given); a frame without CRS is taken to be in
    metres already."""
    if crs is not None and frame.crs is not None:
        frame = frame.to_crs(crs)
    elif frame.crs is not None and not (frame.crs.is_projected
                                      and frame.crs.axis_info[0].unit_name in ("metre", "meter")):
        frame = frame.to_crs(metric_crs_for(frame))
    return shapely.get_coordinates(frame.geometry.centroid)


def _check_grid(cell_size_m: float, shape: str) -> None:
    if cell_size_m <= 0:
        raise InvalidInput(Message("cells.cell-size-positive", N_("cell size must be a positive number of metres")))
    if shape not in ("square", "hexagon"):
        raise InvalidInput(Message("cells.unknown-cell-shape",
                                   N_("unknown cell shape %(shape)r; use 'square' or 'hexagon'"),
                                   shape=shape))


def extent_of(bounds: tuple[float, float, float, float] | None, area) -> gpd.GeoDataFrame:
    """What a grid covers: ``area`` (EPSG:4326 polygon or a layer), else the box of lon/lat ``bounds``."""
    if area is None:
        if bounds is None:
            raise InvalidInput(Message("cells.nothing-count-empty",
                                       N_("nothing to count: the selection is empty and no area was given")))
        return gpd.GeoDataFrame(geometry=[shapely.box(*bounds)], crs=STORAGE_CRS)
    return _extent(None, area)


def _extent(points: gpd.GeoDataFrame, area) -> gpd.GeoDataFrame:
    if area is None:
        if points.empty:
            raise InvalidInput(Message("cells.nothing-count-empty",
                                       N_("nothing to count: the selection is empty and no area was given")))
        return gpd.GeoDataFrame(geometry=[shapely.box(*points.total_bounds)], crs=points.crs)
    if isinstance(area, BaseGeometry):
        return gpd.GeoDataFrame(geometry=[area], crs=STORAGE_CRS)
    return area


def _lay_grid(extent_m: BaseGeometry, size: float, shape: GridShape):
    minx, miny, maxx, maxy = extent_m.bounds
    if shape == "square":
        r = np.arange(np.floor(miny / size), np.floor(maxy / size) + 1).astype(np.int64)
        c = np.arange(np.floor(minx / size), np.floor(maxx / size) + 1).astype(np.int64)
        rows, cols = (a.ravel() for a in np.meshgrid(r, c, indexing="ij"))
        polygons = shapely.box(cols * size, rows * size, (cols + 1) * size, (rows + 1) * size)
        return rows, cols, polygons
    edge = size * np.sqrt(2.0 / (3.0 * np.sqrt(3.0)))  # a hexagon as large as the square
    width, pitch = np.sqrt(3.0) * edge, 1.5 * edge
    r = np.arange(np.floor(miny / pitch) - 1, np.ceil(maxy / pitch) + 2).astype(np.int64)
    c = np.arange(np.floor(minx / width) - 1, np.ceil(maxx / width) + 2).astype(np.int64)
    rows, cols = (a.ravel() for a in np.meshgrid(r, c, indexing="ij"))
    # Pointy-top corners as integer multiples of (width/2, edge/2): neighbours share them bit for bit.
    cx, cy = 2 * cols + (rows & 1), 3 * rows
    ring = np.stack([(cx[:, None] + np.array([1, 0, -1, -1, 0, 1])) * (width / 2),
                     (cy[:, None] + np.array([1, 2, 1, -1, -2, -1])) * (edge / 2)], axis=-1)
    return rows, cols, shapely.polygons(ring)


def _cell_of(xy: np.ndarray, size: float, shape: GridShape) -> tuple[np.ndarray, np.ndarray]:
    """Row and column of the cell holding each point."""
    if shape == "square":
        return (np.floor(xy[:, 1] / size).astype(np.int64), np.floor(xy[:, 0] / size).astype(np.int64))
    edge = size * np.sqrt(2.0 / (3.0 * np.sqrt(3.0)))
    # axial coordinates of a pointy-top lattice, then cube rounding (redblobgames' hexagon notes)
    q = (np.sqrt(3.0) / 3.0 * xy[:, 0] - xy[:, 1] / 3.0) / edge
    r = (2.0 / 3.0 * xy[:, 1]) / edge
    cube = np.stack([q, r, -q - r], axis=1)
    rounded = np.round(cube)
    diff = np.abs(rounded - cube)
    worst = diff.argmax(axis=1)
    n = np.arange(len(xy))
    rounded[n, worst] = -(rounded.sum(axis=1) - rounded[n, worst])
    rq, rr = rounded[:, 0].astype(np.int64), rounded[:, 1].astype(np.int64)
    return rr, rq + (rr - (rr & 1)) // 2


def _lookup(rows: np.ndarray, cols: np.ndarray):
    """A function mapping (row, col) arrays to positions in the cell list, -1 where there is none."""
    r0, c0 = rows.min(), cols.min()
    table = np.full((rows.max() - r0 + 1, cols.max() - c0 + 1), -1, dtype=np.int64)
    table[rows - r0, cols - c0] = np.arange(len(rows))

    def position(r: np.ndarray, c: np.ndarray) -> np.ndarray:
        r, c = np.asarray(r) - r0, np.asarray(c) - c0
        ok = (r >= 0) & (r < table.shape[0]) & (c >= 0) & (c < table.shape[1])
        out = np.full(r.shape, -1, dtype=np.int64)
        out[ok] = table[r[ok], c[ok]]
        return out

    return position
