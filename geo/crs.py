"""Coordinate reference systems: storage in WGS 84, measurement in metres (UTM)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from pyproj import CRS
from pyproj.exceptions import CRSError

from .errors import InvalidInput
from .messages import N_, Message

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


def metric_crs(epsg) -> CRS:
    """The projected CRS of an EPSG code whose axes are in metres; InvalidInput naming why another is not.

    >>> metric_crs(32643).name
    'WGS 84 / UTM zone 43N'
    >>> metric_crs(4326)
    Traceback (most recent call last):
    geo.errors.InvalidInput: EPSG:4326 (WGS 84) is geographic, in degrees; choose a projected CRS in metres, such as a UTM zone
    """
    if isinstance(epsg, bool) or not isinstance(epsg, int) or not 1024 <= epsg <= 999_999:
        raise InvalidInput(Message("crs.crs-epsg-code", N_("crs must be an EPSG code: a whole number such as 32643")))
    try:
        crs = CRS.from_epsg(epsg)
    except CRSError:
        raise InvalidInput(Message("crs.epsg-not-known-coordinate",
                                   N_("EPSG:%(epsg)s is not a known coordinate reference system"),
                                   epsg=epsg)) from None
    if not crs.is_projected:
        kind = (Message("crs.kind-geographic", N_("geographic, in degrees")) if crs.is_geographic
                else Message("crs.kind-not-projected", N_("not a projected CRS")))
        raise InvalidInput(Message("crs.epsg-choose-projected",
                                   N_("EPSG:%(epsg)s (%(crs_name)s) is %(kind)s; choose a projected CRS in metres, "
                                      "such as a UTM zone"),
                                   epsg=epsg, crs_name=crs.name, kind=kind))
    units = {axis.unit_name for axis in crs.axis_info[:2]}
    if not units <= {"metre", "meter"}:
        raise InvalidInput(Message("crs.epsg-measures-choose",
                                   N_("EPSG:%(epsg)s (%(crs_name)s) measures in %(units)s; choose a projected CRS "
                                      "in metres"),
                                   epsg=epsg, crs_name=crs.name, units=', '.join(sorted(units))))
    return crs


AREA_OF_USE_MARGIN_DEG = 2.0  # a city just across a zone's edge may still use that zone


def check_covers(crs: CRS, bounds: tuple[float, float, float, float]) -> None:
    """InvalidInput unless lon/lat ``bounds`` lie within ``crs``'s area of use (give or take
    ``AREA_OF_USE_MARGIN_DEG``): far outside it a projection distorts or fails.

    >>> check_covers(CRS.from_epsg(32643), (76.8, 43.1, 77.1, 43.4))
    >>> check_covers(CRS.from_epsg(32610), (76.8, 43.1, 77.1, 43.4))  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    geo.errors.InvalidInput: EPSG:32610 (WGS 84 / UTM zone 10N) is meant for lon -126 to -120, lat 0 to 84; ...
    """
    use = crs.area_of_use
    if use is None or use.west > use.east:  # none declared, or across the antimeridian: not checked here
        return
    minx, miny, maxx, maxy = bounds
    m = AREA_OF_USE_MARGIN_DEG
    if minx >= use.west - m and maxx <= use.east + m and miny >= use.south - m and maxy <= use.north + m:
        return
    code = crs.to_epsg()
    raise InvalidInput(Message("crs.epsg-meant-lon",
                               N_("EPSG:%(code)s (%(crs_name)s) is meant for lon %(west)g to %(east)g, lat "
                                  "%(south)g to %(north)g; the grid's extent (lon %(minx).4g to %(maxx).4g, lat "
                                  "%(miny).4g to %(maxy).4g) lies outside it: choose a CRS for this area, or none "
                                  "for its UTM zone"),
                               code=code, crs_name=crs.name, west=use.west, east=use.east, south=use.south,
                               north=use.north, minx=minx, maxx=maxx, miny=miny, maxy=maxy))
