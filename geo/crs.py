"""Coordinate reference systems: storage in WGS 84, measurement in metres (UTM)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pyproj import CRS

if TYPE_CHECKING:  # geopandas is heavy to import, and only named here
    import geopandas as gpd

STORAGE_SRID = 4326
STORAGE_CRS = CRS.from_epsg(STORAGE_SRID)


def utm_crs_for(lon: float, lat: float) -> CRS:
    """The WGS 84 / UTM zone CRS holding a point, e.g. EPSG:32643 for Almaty.

    >>> utm_crs_for(76.95, 43.25).to_epsg()
    32643
    """
    zone = int((lon + 180.0) // 6.0) % 60 + 1
    return CRS.from_epsg((32600 if lat >= 0 else 32700) + zone)


def metric_crs_for(gdf: gpd.GeoDataFrame) -> CRS:
    """The UTM zone CRS at the centre of a layer's bounds (the layer in any CRS)."""
    wgs = gdf.to_crs(STORAGE_CRS) if gdf.crs and not gdf.crs.equals(STORAGE_CRS) else gdf
    minx, miny, maxx, maxy = wgs.total_bounds
    return utm_crs_for((minx + maxx) / 2.0, (miny + maxy) / 2.0)
