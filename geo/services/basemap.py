"""The offline basemap's use cases: load its features from an OSM extract, serve its tiles."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from ..db import basemap as db
from ..errors import InvalidInput
from ..ingest.osm_basemap import read_basemap
from ..messages import N_, Message

MAX_ZOOM = 20


@dataclass(frozen=True)
class BasemapLoad:
    """What a load stored: kind → features, and how many were there before (replaced)."""

    counts: dict[str, int]
    replaced: int


def load_basemap(session: Session, path: Path, *, replace: bool = True) -> BasemapLoad:
    """Store the parks, woods, squares, water, waterways and railways of the OSM extract at ``path``.

    The features already stored are deleted first (``replace``), or the load is refused when there
    are some. One transaction, the caller's: all features or none.

    Examples
    --------
    >>> with session.begin():
    ...     load_basemap(session, Path("../shared/data/almaty/almaty_2013.osm.pbf")).counts
    {'park': 62, 'railway': 65, ...}
    """
    frame = read_basemap(path)
    if frame.empty:
        raise InvalidInput(Message("basemap.osm-extract-holds",
                                   N_("the OSM extract %(path)s holds no parks, water or railways for the basemap"),
                                   path=path))
    before = sum(db.counts_by_kind(session).values())
    if before and not replace:
        raise InvalidInput(Message("basemap.basemap-already-holds",
                                   N_("the basemap already holds %(before)s features; load it with replace to swap "
                                      "them"),
                                   before=before))
    if before:
        db.clear_features(session)

    def plain(column: str) -> list:
        return [None if pd.isna(v) else v for v in frame[column]]

    db.add_features(session, kinds=list(frame["kind"]), names=plain("name"), names_ru=plain("name_ru"),
                    names_kk=plain("name_kk"), names_en=plain("name_en"), osm_ids=plain("osm_id"), geoms=list(frame.geometry))
    return BasemapLoad(counts=db.counts_by_kind(session), replaced=before)


def basemap_tile(session: Session, z: int, x: int, y: int, *, locale: str | None = None) -> bytes:
    """The basemap's vector tile z/x/y, names in ``locale`` (a language code; the original name where
    a feature has none in it); InvalidInput for a tile outside the pyramid."""
    if not 0 <= z <= MAX_ZOOM:
        raise InvalidInput(Message("basemap.zoom-outside",
                                   N_("zoom %(z)s is outside 0–%(MAX_ZOOM)s"),
                                   z=z, MAX_ZOOM=MAX_ZOOM))
    if not (0 <= x < 2 ** z and 0 <= y < 2 ** z):
        raise InvalidInput(Message("basemap.tile-does-not-exist",
                                   N_("tile %(z)s/%(x)s/%(y)s does not exist (x and y run from 0 to %(value)s at "
                                      "zoom %(z)s)"),
                                   z=z, x=x, y=y, value=2 ** z - 1))
    return db.tile(session, z, x, y, locale=locale)


def basemap_extent(session: Session) -> tuple[float, float, float, float] | None:
    """(min lon, min lat, max lon, max lat) of what the basemap draws; None when nothing is loaded."""
    return db.extent(session)
