"""Place names in other languages from an OpenStreetMap extract: the ``name:ru``, ``name:kk`` and
``name:en`` tags of its features, by OSM reference (``node/1``, ``way/2``, ``relation/3``).

GDAL's OSM driver keeps these tags in ``other_tags``; one SQL statement per layer reads the features
that carry at least one, so a layer whose features came from the extract (public places, campuses,
streets) can be given their names by reference.
"""
from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyogrio

from ..errors import InvalidInput
from ..messages import N_, Message

# The OSM tag of each name column.
TAGS = {"name_ru": "name:ru", "name_kk": "name:kk", "name_en": "name:en"}
COLUMNS = tuple(TAGS)

_VALUES = ", ".join(f"hstore_get_value(other_tags, '{tag}') AS {column}" for column, tag in TAGS.items())
_ANY = " OR ".join(f"hstore_get_value(other_tags, '{tag}') IS NOT NULL" for tag in TAGS.values())
# OGR SQL (SQLite dialect) per layer of GDAL's OSM driver: the reference, then the names.
LAYER_SQL = {
    "points": f"SELECT 'node/' || osm_id AS osm_ref, {_VALUES} FROM points WHERE {_ANY}",
    "lines": f"SELECT 'way/' || osm_id AS osm_ref, {_VALUES} FROM lines WHERE {_ANY}",
    "multilinestrings": f"SELECT 'relation/' || osm_id AS osm_ref, {_VALUES} FROM multilinestrings WHERE {_ANY}",
    "multipolygons": (f"SELECT COALESCE('relation/' || osm_id, 'way/' || osm_way_id) AS osm_ref, {_VALUES} "
                      f"FROM multipolygons WHERE {_ANY}"),
}


def read_names(path: Path) -> pd.DataFrame:
    """The extract's names in Russian, Kazakh and English, indexed by OSM reference (``way/123``);
    columns ``name_ru``, ``name_kk``, ``name_en`` (None where the tag is absent).

    Examples
    --------
    >>> read_names(Path("../shared/data/almaty/almaty_2013.osm.pbf")).loc["node/673998509", "name_kk"]
    'Халықаралық Алматы Әуежайы'
    """
    path = Path(path)
    if not path.is_file():
        raise InvalidInput(Message("osm_basemap.osm-extract-not-found", N_("OSM extract not found: %(path)s"), path=str(path)))
    try:
        parts = [pyogrio.read_dataframe(path, sql=sql, sql_dialect="SQLITE", read_geometry=False)
                 for sql in LAYER_SQL.values()]
    except pyogrio.errors.DataSourceError as exc:
        raise InvalidInput(Message("osm-names.unreadable", N_("not an OSM extract GDAL can read: %(path)s (%(reason)s)"),
                                   path=str(path), reason=str(exc))) from exc
    frame = pd.concat([p for p in parts if not p.empty], ignore_index=True) if any(
        not p.empty for p in parts) else pd.DataFrame(columns=["osm_ref", *COLUMNS])
    frame = frame.drop_duplicates(subset="osm_ref").set_index("osm_ref")[list(COLUMNS)]
    return frame.astype(object).where(frame.notna(), None)


def names_of(names: pd.DataFrame, refs) -> pd.DataFrame:
    """The names of the features ``refs`` (OSM references, None for a feature not from OSM), one row
    each in their order; all None where the extract has none."""
    refs = pd.Series(list(refs), dtype=object)
    found = names.reindex(refs.where(refs.notna(), "")).reset_index(drop=True)
    return found.astype(object).where(found.notna(), None)
