"""The basemap's features read from an OpenStreetMap extract (``.osm.pbf`` or ``.osm``) by GDAL.

GDAL's OSM driver (through pyogrio) assembles the areas and lines; one SQL statement per layer picks
the features the basemap draws and names their kind, so no Python loop walks the features.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import pyogrio
import shapely

from ..crs import STORAGE_CRS
from ..errors import InvalidInput
from ..messages import N_, Message

COLUMNS = ("kind", "name", "name_ru", "name_kk", "name_en", "osm_id")

# OGR SQL (SQLite dialect); hstore_get_value reads the tags GDAL keeps in other_tags.
_NAMES = ("name, hstore_get_value(other_tags, 'name:ru') AS name_ru, "
          "hstore_get_value(other_tags, 'name:kk') AS name_kk, hstore_get_value(other_tags, 'name:en') AS name_en")
AREAS_SQL = f"""
SELECT CASE
         WHEN leisure IN ('park', 'garden') THEN 'park'
         WHEN "natural" = 'water' OR landuse = 'reservoir' THEN 'water'
         WHEN "natural" = 'wood' OR landuse = 'forest' THEN 'wood'
         WHEN place = 'square' OR hstore_get_value(other_tags, 'highway') = 'pedestrian' THEN 'square'
       END AS kind, {_NAMES},
       COALESCE('relation/' || osm_id, 'way/' || osm_way_id) AS osm_id, geometry
FROM multipolygons
WHERE leisure IN ('park', 'garden') OR "natural" IN ('water', 'wood') OR landuse IN ('reservoir', 'forest')
   OR place = 'square' OR hstore_get_value(other_tags, 'highway') = 'pedestrian'
"""
LINES_SQL = f"""
SELECT CASE
         WHEN waterway IN ('river', 'canal', 'stream') THEN 'waterway'
         WHEN railway = 'tram' THEN 'tram'
         ELSE 'railway'
       END AS kind, {_NAMES}, 'way/' || osm_id AS osm_id, geometry
FROM lines
WHERE waterway IN ('river', 'canal', 'stream') OR railway IN ('rail', 'light_rail', 'narrow_gauge', 'tram')
"""


def read_basemap(path: Path) -> gpd.GeoDataFrame:
    """The extract's parks, woods, squares, water areas, waterways and railways in EPSG:4326, with
    ``kind``, ``name``, ``name_ru``, ``name_kk``, ``name_en`` and ``osm_id``; invalid areas are made valid."""
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(Message("osm_basemap.osm-extract-not-found",
                                   N_("OSM extract not found: %(path)s"), path=path))
    try:
        parts = [pyogrio.read_dataframe(path, sql=sql, sql_dialect="SQLITE") for sql in (AREAS_SQL, LINES_SQL)]
    except pyogrio.errors.DataSourceError as exc:
        raise InvalidInput(Message("osm_basemap.not-osm-extract-gdal",
                                   N_("not an OSM extract GDAL can read: %(path)s (%(exc)s)"),
                                   path=path, exc=exc)) from exc
    frame = pd.concat([p.set_crs(STORAGE_CRS, allow_override=True) if p.crs is None else p.to_crs(STORAGE_CRS)
                       for p in parts], ignore_index=True)
    frame = gpd.GeoDataFrame(frame, geometry="geometry", crs=STORAGE_CRS)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty]
    geometry = shapely.force_2d(frame.geometry.values)
    areas = shapely.get_dimensions(geometry) == 2
    geometry[areas] = shapely.make_valid(geometry[areas], method="structure", keep_collapsed=False)
    out = gpd.GeoDataFrame(frame[list(COLUMNS)].reset_index(drop=True), geometry=geometry, crs=STORAGE_CRS)
    kept = out.geom_type.isin(["LineString", "MultiLineString", "Polygon", "MultiPolygon"])
    return out[kept].reset_index(drop=True)
