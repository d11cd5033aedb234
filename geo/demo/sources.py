"""The shared Almaty layers the demo is built from, read once and held in metres (UTM zone 43N).

Districts stay in EPSG:4326 as read (they are stored as they are); every other layer is
reprojected to the UTM zone of the city so buffers and distances are metres.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from pyproj import CRS
from shapely.geometry.base import BaseGeometry

from ..crs import STORAGE_CRS, utm_crs_for
from ..errors import InvalidInput
from ..ingest.osm_names import read_names
from ..messages import N_, Message

FILES = {
    "districts": "almaty/almaty_districts.geojson",
    "pois": "almaty/almaty_2013_pois.geojson",
    "areas": "almaty/almaty_2013_areas.geojson",
    "streets": "almaty/almaty_2013_streets.geojson",
    "osm": "almaty/almaty_2013.osm.pbf",
    "city_parks": "almaty/almaty_parks_squares_2022_2024_polygons.geojson",
}


@dataclass(frozen=True)
class AlmatyData:
    """The source layers: ``districts`` in EPSG:4326, the others in ``crs`` (metres); ``osm_names``
    the extract's names in Russian, Kazakh and English by OSM reference (``geo.ingest.osm_names``)."""

    districts: gpd.GeoDataFrame
    districts_m: gpd.GeoDataFrame
    pois: gpd.GeoDataFrame
    areas: gpd.GeoDataFrame
    streets: gpd.GeoDataFrame
    city_parks: gpd.GeoDataFrame
    city: BaseGeometry
    crs: CRS
    osm_names: pd.DataFrame

    def locate(self, ref: str) -> BaseGeometry:
        """The geometry (metres) a reference of ``data/demo/almaty.toml`` names.

        >>> data.locate("poi 92646332")            # the Green Bazaar, a Point  # doctest: +SKIP
        """
        kind, _, value = ref.strip().partition(" ")
        value = value.strip()
        if kind == "point":
            lon, lat = (float(v) for v in value.split())
            frame = gpd.GeoSeries([shapely.Point(lon, lat)], crs=STORAGE_CRS).to_crs(self.crs)
            return frame.iloc[0]
        if kind == "poi":
            found = self.pois[self.pois["osm_id"].astype(str) == value]
        elif kind == "area":
            found = self.areas[self.areas["area_id"] == value]
        elif kind == "city-park":
            found = self.city_parks[self.city_parks["id"].astype(str) == value]
        else:
            raise InvalidInput(Message("sources.demo-definitions-unknown",
                                       N_("demo definitions: unknown place reference %(ref)r"),
                                       ref=ref))
        if found.empty:
            raise InvalidInput(Message("sources.demo-definitions-not-shared",
                                       N_("demo definitions: %(ref)r is not in the shared data"),
                                       ref=ref))
        return found.geometry.iloc[0]


def polygonal(geom: BaseGeometry) -> BaseGeometry:
    """A valid polygonal geometry: ``make_valid`` keeping only its (Multi)Polygon parts."""
    if geom is None or geom.is_empty:
        return geom
    if not geom.is_valid:
        geom = shapely.make_valid(geom)
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [g for g in getattr(geom, "geoms", [geom]) if g.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts) if parts else shapely.Polygon()


def read_almaty(data_dir: Path) -> AlmatyData:
    """Read the shared Almaty files below ``data_dir``; InvalidInput names a missing one."""
    data_dir = Path(data_dir)
    if not data_dir.is_dir():
        raise InvalidInput(Message("sources.demo-data-folder",
                                   N_("demo data folder not found: %(data_dir)s (give the shared data folder, e.g. "
                                      "--data-dir ../shared/data)"),
                                   data_dir=data_dir))
    frames: dict[str, gpd.GeoDataFrame] = {}
    for key, relative in FILES.items():
        path = data_dir / relative
        if not path.is_file():
            raise InvalidInput(Message("network.demo-data-file", N_("demo data file not found: %(path)s"), path=path))
        if key != "osm":  # the extract itself is read for its names only
            frames[key] = gpd.read_file(path, engine="pyogrio")
    districts = frames["districts"].to_crs(STORAGE_CRS)
    minx, miny, maxx, maxy = districts.total_bounds
    crs = utm_crs_for((minx + maxx) / 2, (miny + maxy) / 2)  # EPSG:32643 for Almaty
    metric = {key: frames[key].to_crs(crs) for key in ("pois", "areas", "streets", "city_parks")}
    for key in ("areas", "city_parks"):
        metric[key] = metric[key].set_geometry(metric[key].geometry.map(polygonal))
    areas = metric["areas"]
    # An area is an OSM relation (osm_id) or a closed way (osm_way_id).
    areas["area_id"] = areas["osm_id"].fillna(areas["osm_way_id"]).astype(str)
    areas["osm_ref"] = ("relation/" + areas["osm_id"]).fillna("way/" + areas["osm_way_id"])
    districts_m = districts.to_crs(crs)
    return AlmatyData(districts=districts, districts_m=districts_m, pois=metric["pois"],
                      areas=metric["areas"], streets=metric["streets"], city_parks=metric["city_parks"],
                      city=shapely.union_all(districts_m.geometry.to_numpy()), crs=crs,
                      osm_names=read_names(data_dir / FILES["osm"]))


def text(value) -> str | None:
    """A cleaned string, or None for missing/blank values."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    value = str(value).strip()
    return value or None
