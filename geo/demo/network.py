"""The demo's street network: the shared OSM street lines stored as routing segments.

The planner measures travel along these (``geo.analysis.network``) wherever they are loaded.
Nothing here commits: the rows go with the caller's transaction.
"""
from __future__ import annotations

from pathlib import Path

import geopandas as gpd
import pandas as pd
import shapely
from sqlalchemy.orm import Session

from ..analysis.network import spheroid_lengths_m
from ..crs import STORAGE_CRS
from ..db import network as db
from ..errors import InvalidInput
from ..ingest.osm_names import COLUMNS as NAME_COLUMNS
from ..ingest.osm_names import names_of, read_names
from ..messages import N_, Message
from .sources import FILES

def street_segments(data_dir: Path) -> gpd.GeoDataFrame:
    """The valid, non-empty street lines of the shared data (EPSG:4326) with ``name``, ``highway``,
    ``osm_id``, ``length_m`` and the extract's ``name_ru``, ``name_kk``, ``name_en`` (its ``name:*``
    tags); multi-part lines are split into their parts."""
    path = Path(data_dir) / FILES["streets"]
    if not path.is_file():
        raise InvalidInput(Message("network.demo-data-file", N_("demo data file not found: %(path)s"), path=path))
    frame = gpd.read_file(path, engine="pyogrio").to_crs(STORAGE_CRS).explode(index_parts=False)
    frame = frame[frame.geometry.notna() & ~frame.geometry.is_empty
                  & (frame.geom_type == "LineString") & frame.geometry.is_valid]
    name = frame["name"] if "name" in frame else pd.Series(None, index=frame.index)
    if "name_ru" in frame:
        name = name.fillna(frame["name_ru"])
    osm_id = pd.to_numeric(frame.get("osm_id"), errors="coerce").astype("Int64")
    extract = Path(data_dir) / FILES["osm"]
    osm_names = read_names(extract) if extract.is_file() else pd.DataFrame(columns=list(NAME_COLUMNS))
    names = names_of(osm_names, [None if pd.isna(v) else f"way/{v}" for v in osm_id]).set_index(frame.index)
    out = gpd.GeoDataFrame({"name": name, "highway": frame.get("highway"), "osm_id": osm_id,
                            "length_m": spheroid_lengths_m(frame.geometry),
                            **{c: names[c] for c in NAME_COLUMNS}},
                           geometry=shapely.force_2d(frame.geometry.values), crs=STORAGE_CRS)
    return out.reset_index(drop=True)


def load_streets(session: Session, data_dir: Path) -> int:
    """Store the shared street lines as ``street_segment`` rows (COPY); how many were stored."""
    frame = street_segments(data_dir)

    def plain(values):
        return [None if pd.isna(v) else v for v in values]

    return db.add_segments(session, names=plain(frame["name"]), highways=plain(frame["highway"]),
                           other_names={c: plain(frame[c]) for c in NAME_COLUMNS},
                           osm_ids=[None if pd.isna(v) else int(v) for v in frame["osm_id"]],
                           lengths_m=[float(v) for v in frame["length_m"]], lines=list(frame.geometry))
