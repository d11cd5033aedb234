"""Stored hot spot analyses: one ``analysis_run`` row per run, its cells COPied into ``analysis_cell``."""
from __future__ import annotations

import math
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
from sqlalchemy import Float, and_, bindparam, func, select, true
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session, aliased

from ..crs import STORAGE_SRID
from .models import AnalysisCell, AnalysisRun, District, PublicPlace
from .names import localised_name
from .layer_reads import frame_of
from .layer_writes import copy_rows

# The columns of a run's cells, in storing order; ``class`` is a reserved word, quoted by COPY.
CELL_COLUMNS = ("cell_id", "count", "value", "z", "p", "p_fdr", "class", "quadrant", "island")


def insert_run(session: Session, **fields) -> AnalysisRun:
    """Add the run's row (the fields of :class:`AnalysisRun`) and flush to get its id."""
    run = AnalysisRun(**fields)
    session.add(run)
    session.flush()
    return run


def _nullable(values, cast) -> list:
    # NaN would pass as 'NaN' and break the CHECKs (NaN > 1 in PostgreSQL): missing is NULL.
    return [None if v is None or (isinstance(v, float) and math.isnan(v)) else cast(v) for v in values]


def copy_cells(session: Session, run_id: int, cells: gpd.GeoDataFrame, *, on_progress=None) -> int:
    """COPY a run's cells (columns :data:`CELL_COLUMNS` and geometry) in the caller's transaction."""
    n = len(cells)
    columns = {
        "run_id": [run_id] * n,
        "cell_id": cells["cell_id"].astype(int).tolist(),
        **{c: _nullable(cells[c].astype(float).tolist(), float) for c in ("count", "value", "z", "p", "p_fdr")},
        "class": _nullable(cells["class"].astype(float).tolist(), int),
        "quadrant": [q if isinstance(q, str) and q else None for q in cells["quadrant"]],
        "island": cells["island"].astype(bool).tolist(),
        "geom": np.asarray(cells.geometry.values, dtype=object),
    }
    return copy_rows(session, "analysis_cell", columns, ["geom"], count=n, on_progress=on_progress)


def get_run(session: Session, run_id: int) -> AnalysisRun | None:
    return session.get(AnalysisRun, run_id)


def run_cells(session: Session, run_id: int) -> gpd.GeoDataFrame:
    """A run's cells by ``cell_id`` as a GeoDataFrame in EPSG:4326 (columns :data:`CELL_COLUMNS`)."""
    c = AnalysisCell
    stmt = (select(c.cell_id, c.count, c.value, c.z, c.p, c.p_fdr, c.class_.label("class"), c.quadrant,
                   c.island, func.ST_AsBinary(c.geom).label("geometry"))
            .where(c.run_id == run_id).order_by(c.cell_id))
    return frame_of(session, stmt)


def list_runs(session: Session, *, limit: int, offset: int = 0) -> tuple[list[AnalysisRun], int]:
    """The newest runs first, and how many there are."""
    total = session.scalar(select(func.count()).select_from(AnalysisRun))
    runs = session.scalars(select(AnalysisRun).order_by(AnalysisRun.id.desc()).limit(limit).offset(offset))
    return list(runs), total


def matched_cells(session: Session, run_a: int, run_b: int) -> list:
    """Pairs of cells of two runs that are the same polygon, with both runs' class and quadrant.

    Grids are anchored at multiples of the cell size, so two runs over overlapping areas share the
    cells they have in common bit for bit; ``&&`` lets the GiST index find the candidates.
    """
    a, b = aliased(AnalysisCell), aliased(AnalysisCell)
    stmt = (select(a.cell_id.label("cell_a"), b.cell_id.label("cell_b"), a.class_.label("class_a"),
                   b.class_.label("class_b"), a.quadrant.label("quadrant_a"), b.quadrant.label("quadrant_b"),
                   a.p_fdr.label("p_fdr_a"), b.p_fdr.label("p_fdr_b"), a.count.label("count_a"),
                   b.count.label("count_b"),
                   func.ST_X(func.ST_Centroid(a.geom)).label("lon"), func.ST_Y(func.ST_Centroid(a.geom)).label("lat"))
            .join(b, and_(b.run_id == run_b, a.geom.op("&&")(b.geom), func.ST_Equals(a.geom, b.geom)))
            .where(a.run_id == run_a).order_by(a.cell_id))
    return list(session.execute(stmt))


def cell_tally(session: Session, run_id: int, *, alpha: float) -> list:
    """A run's cells counted by (class, quadrant, p after FDR below ``alpha``): what a legend says
    without reading the cells (rows ``class_``, ``quadrant``, ``significant``, ``n``)."""
    c = AnalysisCell
    significant = func.coalesce(c.p_fdr < alpha, False).label("significant")
    stmt = (select(c.class_.label("class_"), c.quadrant, significant, func.count().label("n"))
            .where(c.run_id == run_id).group_by(c.class_, c.quadrant, significant))
    return list(session.execute(stmt))


def cell_extent(session: Session, run_id: int) -> tuple[float, float, float, float] | None:
    """The lon/lat extent of a run's cells, None when it has none."""
    box = func.ST_Extent(AnalysisCell.geom)
    row = session.execute(select(func.ST_XMin(box), func.ST_YMin(box), func.ST_XMax(box), func.ST_YMax(box))
                          .where(AnalysisCell.run_id == run_id)).one()
    return None if row[0] is None else tuple(float(v) for v in row)


def cell_count(session: Session, run_id: int) -> int:
    return session.scalar(select(func.count()).select_from(AnalysisCell).where(AnalysisCell.run_id == run_id))


def places_near(session: Session, points: Sequence[tuple[float, float]], *, within_m: float,
                locale: str | None = None) -> list[dict]:
    """For each (lon, lat): the nearest public place within ``within_m`` metres (its name in
    ``locale``'s language and the distance in metres, on the spheroid) and the district holding the
    point, in one query; None where there is none."""
    if not points:
        return []
    lons = [float(p[0]) for p in points]
    lats = [float(p[1]) for p in points]
    given = (select(func.unnest(bindparam("lons", lons, type_=ARRAY(Float))).label("lon"),
                    func.unnest(bindparam("lats", lats, type_=ARRAY(Float))).label("lat"))
             .subquery("given"))
    numbered = select(func.row_number().over().label("ord"),
                      func.ST_SetSRID(func.ST_MakePoint(given.c.lon, given.c.lat), STORAGE_SRID).label("g")).subquery()
    point = numbered.c.g
    place = (select(localised_name(PublicPlace, locale).label("place"),
                    func.ST_Distance(func.geography(PublicPlace.geom), func.geography(point)).label("metres"))
             .where(func.ST_DWithin(func.geography(PublicPlace.geom), func.geography(point), within_m))
             .order_by(PublicPlace.geom.op("<->")(point)).limit(1).lateral("place"))
    district = (select(localised_name(District, locale).label("district"))
                .where(func.ST_Covers(District.geom, point)).order_by(District.id).limit(1).lateral("district"))
    rows = session.execute(select(numbered.c.ord, place.c.place, place.c.metres, district.c.district)
                           .select_from(numbered.outerjoin(place, true()).outerjoin(district, true()))
                           .order_by(numbered.c.ord)).all()
    return [{"place": r.place, "place_m": None if r.metres is None else float(r.metres), "district": r.district}
            for r in rows]
