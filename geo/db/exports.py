"""Reads for the exports: a layer, or a selection of incidents, as GeoDataFrames chunk by chunk.

Chunks follow one another by id (keyset), so a large layer is never one list in Python and a deep
chunk costs what the first one does.
"""
from __future__ import annotations

from collections.abc import Iterator

import geopandas as gpd
from geoalchemy2 import functions as gfunc
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session

from ..layers import LayerSpec
from .aggregate import SelectionFilter, selected
from .layer_geojson import STREAM_BATCH, feature_json
from .layer_reads import _columns, frame_of, model_of
from .models import Incident

CHUNK_ROWS = 20_000


def layer_chunks(session: Session, spec: LayerSpec, *, where: list[ColumnElement[bool]],
                 chunk_rows: int = CHUNK_ROWS, locale: str | None = None) -> Iterator[gpd.GeoDataFrame]:
    """The rows of ``spec`` passing ``where``, by id, as GeoDataFrames (EPSG:4326) of at most
    ``chunk_rows`` rows; ``point`` fields come as geometry columns; ``name`` in ``locale``'s language
    where a row has one (its ``name_<lang>`` columns come as they are)."""
    model = model_of(spec)
    geom = getattr(model, spec.geometry_column)
    after = None
    while True:
        keyset = [] if after is None else [model.id > after]
        stmt = (select(*_columns(spec, locale), gfunc.ST_AsBinary(geom).label("geometry"))
                .where(*where, *keyset).order_by(model.id).limit(chunk_rows))
        frame = frame_of(session, stmt)
        if frame.empty:
            return
        yield frame
        if len(frame) < chunk_rows:
            return
        after = int(frame["id"].iloc[-1])


def selection_where(f: SelectionFilter) -> list[ColumnElement[bool]]:
    """The incidents of a hot spot selection (``geo.db.aggregate.selected``) as a WHERE clause on the
    incident table, to read them whole with :func:`layer_chunks`."""
    chosen = selected(f)
    return [Incident.id.in_(select(chosen.c.id))]




def geojson_features(session: Session, spec: LayerSpec, *, where: list[ColumnElement[bool]],
                     locale: str | None = None) -> Iterator[str]:
    """Every row of ``spec`` passing ``where`` as a GeoJSON Feature text built by PostGIS (as the layer
    API's pages, ``name`` in ``locale``'s language), by id, through a server-side cursor."""
    model = model_of(spec)
    stmt = (select(feature_json(spec, locale=locale)).where(*where).order_by(model.id)
            .execution_options(yield_per=STREAM_BATCH))
    return iter(session.scalars(stmt))
