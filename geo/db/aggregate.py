"""Hot spot selections aggregated in PostGIS: only counts per cell, per polygon or per time bucket
reach Python, never one row per incident.

A selection is ``IncidentFilter``'s time range, categories, area and sources plus the weekday and
hour band read in the selection's time zone (``extract(isodow/hour FROM occurred_at AT TIME ZONE
tz)``, as ``geo.analysis.selection`` reads them) and, if asked, de-duplication by ``external_id``
(the lowest id of each external id among the rows that pass every other filter, rows without one
all kept: ``geo.services.hotspots.run.selected_incidents``'s rule).

Grid keys reproduce ``geo.analysis.cells._cell_of`` operation for operation on the incident's
coordinates in the grid's CRS (``ST_Transform``): squares ``floor((y - oy) / size)``; hexagons the
axial coordinates, cube rounding (``round`` is half-to-even on double precision, as ``np.round``)
with the first of equal largest differences replaced, then the odd-r offset column. The constants
are computed in Python and bound as double precision, so both sides use the same bits.
"""
from __future__ import annotations

from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from sqlalchemy import Float, and_, case, cast, extract, func, literal, or_, select
from sqlalchemy.dialects.postgresql import distinct_on
from sqlalchemy.orm import Session
from sqlalchemy.types import BigInteger, Integer, LargeBinary

from .incidents import AREA_MODELS, IncidentFilter, _where
from .models import AnalysisArea, Incident

SYNTHETIC = "synthetic-demo"
BUCKETS_WORK_MEM = "64MB"
GRID_WORK_MEM = "16MB"
BUCKET_SECONDS = 3600  # most zones are whole hours from UTC; the others are counted again finer


@dataclass(frozen=True)
class SelectionFilter:
    """An ``IncidentFilter`` with the options read in a time zone: ``weekdays`` (0 = Monday),
    ``hour_band`` (from, to) wrapping midnight when from > to, and ``deduplicate``."""

    base: IncidentFilter
    timezone: str = "UTC"
    weekdays: Sequence[int] | None = None
    hour_band: tuple[int, int] | None = None
    deduplicate: bool = False


@dataclass(frozen=True)
class Totals:
    """How many incidents a selection holds, how many synthetic, and their lon/lat bounds."""

    count: int
    synthetic: int
    bounds: tuple[float, float, float, float] | None


def _float(value: float, _name: str = ""):
    """``value`` bound as double precision, every bit kept."""
    return literal(float(value), Float(precision=53))


def selected(f: SelectionFilter):
    """The selection as a subquery: ``id``, ``geom``, ``weight`` (1 where none), ``occurred_at``,
    ``synthetic``, and the stored UTM coordinates ``utm_srid``, ``utm_x``, ``utm_y``."""
    where = _where(f.base)
    if f.weekdays is not None or f.hour_band is not None:
        local = func.timezone(f.timezone, Incident.occurred_at)
        if f.weekdays is not None:
            where.append((extract("isodow", local) - 1).in_([int(d) for d in f.weekdays]))
        if f.hour_band is not None:
            lo, hi = (int(v) for v in f.hour_band)
            hour = extract("hour", local)
            where.append(and_(hour >= lo, hour < hi) if lo < hi else or_(hour >= lo, hour < hi))
    columns = [Incident.id, Incident.geom, func.coalesce(Incident.weight, 1.0).label("weight"),
               Incident.occurred_at, (Incident.source == SYNTHETIC).label("synthetic"),
               Incident.utm_srid, Incident.utm_x, Incident.utm_y]
    if not f.deduplicate:
        return select(*columns).where(*where).subquery("selected")
    first = func.min(Incident.id).over(partition_by=Incident.external_id).label("first_id")
    inner = select(*columns, Incident.external_id, first).where(*where).subquery("candidates")
    keep = or_(inner.c.external_id.is_(None), inner.c.id == inner.c.first_id)
    c = inner.c
    return (select(c.id, c.geom, c.weight, c.occurred_at, c.synthetic, c.utm_srid, c.utm_x, c.utm_y)
            .where(keep).subquery("selected"))


def _no_jit(session: Session) -> None:
    # ST_Transform's declared cost makes every aggregate look expensive enough to compile, and
    # compiling costs more than the query (1.7 s of 4 s at 10^6 incidents)
    session.execute(select(func.set_config("jit", "off", True)))


@contextmanager
def planner_settings(session: Session, **values: str):
    """Planner settings changed for one query and set back (in this transaction only).

    ``work_mem``: hours of several years, or a fine grid's few hundred thousand cells, hash in tens
    of MB. ``enable_sort = off``: PostgreSQL cannot know how few cells a million points fall into
    (it estimates a group per row), so it plans a sort of every row, which spills to disk; a hash
    of the cells is what the data needs, and in parallel workers where the plan allows."""
    names = list(values)
    before = session.execute(select(*[func.current_setting(n) for n in names])).one()
    for name, value in values.items():
        session.execute(select(func.set_config(name, value, True)))
    try:
        yield
    finally:
        for name, value in zip(names, before, strict=True):
            session.execute(select(func.set_config(name, value, True)))


def _hashed(session: Session, work_mem: str):
    """One grouping query planned as a hash of its groups in ``work_mem`` (see ``planner_settings``)."""
    return planner_settings(session, work_mem=work_mem, enable_sort="off")


def _columns(session: Session, stmt, dtypes: Sequence) -> list[np.ndarray]:
    """The columns of ``stmt``'s rows as arrays, each gathered by the server into one bytea of its
    values in binary (``int8send``/``float8send``: big-endian 64-bit): a hundred thousand groups
    arrive as a handful of values, read by numpy without parsing text."""
    sub = stmt.subquery("grouped")
    empty = literal(b"", LargeBinary)
    parts = []
    for column, dtype in zip(sub.c, dtypes, strict=True):
        if np.dtype(dtype).kind == "f":
            parts.append(func.string_agg(func.float8send(cast(column, Float(precision=53))), empty))
        else:
            parts.append(func.string_agg(func.int8send(cast(column, BigInteger)), empty))
    row = session.execute(select(*parts)).one()
    big = {"f": ">f8", "i": ">i8"}
    return [np.frombuffer(v or b"", dtype=big[np.dtype(t).kind]).astype(t) for v, t in zip(row, dtypes, strict=True)]


def totals(session: Session, f: SelectionFilter) -> Totals:
    """Count, synthetic count and lon/lat bounds of the selection in one pass."""
    _no_jit(session)
    s = selected(f)
    x, y = func.ST_X(s.c.geom), func.ST_Y(s.c.geom)
    row = session.execute(select(func.count(), func.count().filter(s.c.synthetic), func.min(x), func.min(y),
                                 func.max(x), func.max(y))).one()
    n, synthetic, *box = row
    return Totals(int(n), int(synthetic), None if n == 0 else tuple(float(v) for v in box))


def is_utm(srid: int) -> bool:
    """Whether ``srid`` is a WGS 84 / UTM zone (EPSG:32601-32660, 32701-32760), whose coordinates
    an incident stores when the zone holds it (migration 0011)."""
    return 32601 <= srid <= 32660 or 32701 <= srid <= 32760


def _metric(f: SelectionFilter, srid: int, carry: Sequence[str] = ()):
    """The selection with its points' coordinates ``x``, ``y`` in ``srid`` and their ``weight``.

    In a UTM zone an incident of that zone gives its stored coordinates (the same bits
    ``ST_Transform`` gives), one of another zone is transformed; nothing stops a parallel
    aggregate. In another CRS every point is transformed, behind a fence so once per point. The
    selection's columns ``carry`` (e.g. ``occurred_at``) come along."""
    s = selected(f)
    if is_utm(srid):
        here = s.c.utm_srid == literal(srid, Integer)
        x = case((here, s.c.utm_x), else_=func.ST_X(func.ST_Transform(s.c.geom, srid)))
        y = case((here, s.c.utm_y), else_=func.ST_Y(func.ST_Transform(s.c.geom, srid)))
        return select(x.label("x"), y.label("y"), s.c.weight, *[s.c[n] for n in carry]).subquery("metric")
    t = (select(func.ST_Transform(s.c.geom, srid).label("t"), s.c.weight, *[s.c[n] for n in carry]).offset(0)
         .subquery("transformed"))
    return select(func.ST_X(t.c.t).label("x"), func.ST_Y(t.c.t).label("y"), t.c.weight,
                  *[t.c[n] for n in carry]).subquery("metric")


def metric_bounds(session: Session, f: SelectionFilter, srid: int) -> tuple[float, float, float, float] | None:
    """minx, miny, maxx, maxy of the selected incidents in ``srid``; None when none is selected."""
    _no_jit(session)
    m = _metric(f, srid)
    x, y = m.c.x, m.c.y
    row = session.execute(select(func.min(x), func.min(y), func.max(x), func.max(y))).one()
    return None if row[0] is None else tuple(float(v) for v in row)


def grid_keys(session: Session, f: SelectionFilter, *, srid: int, cell_size_m: float, shape: str,
              origin: tuple[float, float] = (0.0, 0.0)) -> dict[str, np.ndarray]:
    """Per grid cell holding a selected incident: ``row``, ``col``, ``count`` and ``weight_sum``."""
    _no_jit(session)
    m = _metric(f, srid)
    x = m.c.x - _float(origin[0], "ox")
    y = m.c.y - _float(origin[1], "oy")
    if shape == "square":
        size = _float(cell_size_m, "size")
        row, col = cast(func.floor(y / size), BigInteger), cast(func.floor(x / size), BigInteger)
        keyed = select(row.label("row"), col.label("col"), m.c.weight).subquery("keyed")
    else:
        keyed = _hexagon_keys(m, x, y, cell_size_m)
    stmt = (select(keyed.c.row, keyed.c.col, func.count().label("count"), func.sum(keyed.c.weight).label("weight_sum"))
            .group_by(keyed.c.row, keyed.c.col))
    with _hashed(session, GRID_WORK_MEM):
        row, col, count, weight_sum = _columns(session, stmt, (np.int64, np.int64, np.int64, float))
    return {"row": row, "col": col, "count": count, "weight_sum": weight_sum}


def _hexagon_keys(m, x, y, cell_size_m: float, carry: Sequence[str] = ("weight",)):
    """Hexagon ``row`` and ``col`` of each point of ``m``, with its columns ``carry`` passed along."""
    edge = cell_size_m * np.sqrt(2.0 / (3.0 * np.sqrt(3.0)))
    axial = select(((_float(np.sqrt(3.0) / 3.0, "k_q") * x - y / _float(3.0, "three")) / _float(edge, "edge")).label("q"),
                   ((_float(2.0 / 3.0, "k_r") * y) / _float(edge, "edge")).label("r"),
                   *[m.c[name] for name in carry]).subquery("axial")
    q, r = axial.c.q, axial.c.r
    s = -q - r
    rq, rr, rs = func.round(q), func.round(r), func.round(s)
    rounded = select(rq.label("rq"), rr.label("rr"), rs.label("rs"), func.abs(rq - q).label("dq"),
                     func.abs(rr - r).label("dr"), func.abs(rs - s).label("ds"),
                     *[axial.c[name] for name in carry]).subquery("rounded")
    c = rounded.c
    q_first = and_(c.dq >= c.dr, c.dq >= c.ds)
    final_q = cast(case((q_first, -(c.rr + c.rs)), else_=c.rq), BigInteger)
    final_r = cast(case((and_(~q_first, c.dr >= c.ds), -(c.rq + c.rs)), else_=c.rr), BigInteger)
    cube = select(final_q.label("hq"), final_r.label("hr"), *[c[name] for name in carry]).subquery("cube")
    hr = cube.c.hr
    return (select(hr.label("row"), (cube.c.hq + (hr - hr.op("&")(1)) / 2).label("col"),
                   *[cube.c[name] for name in carry]).subquery("keyed"))


def kde_bins(session: Session, f: SelectionFilter, *, srid: int, x0: float, y0: float, cell_size_m: float,
             reach: int, weighted: bool = False) -> dict[str, np.ndarray]:
    """The selection linearly binned as ``geo.analysis.kde.binned_density`` bins it: per lower-left
    node (``ix``, ``iy``, counted from the grid grown by ``reach``) the sums of each point's four
    shares ``w(1-fx)(1-fy)``, ``w fx(1-fy)``, ``w(1-fx)fy``, ``w fx fy``; ``w`` is the incident's
    weight when ``weighted``, else 1.

    The server sums only ``w``, ``w fx``, ``w fy`` and ``w fx fy`` per node (a count when
    unweighted), and the four shares follow from them: ``s11 = Σw fx fy``, ``s10 = Σw fx - s11``,
    ``s01 = Σw fy - s11``, ``s00 = Σw - Σw fx - Σw fy + s11`` — the same sums regrouped, equal up to
    rounding of the last bits (the parallel aggregate's order of addition varies as much), with a
    third of the arithmetic per point: in a million points that is what the binning costs."""
    _no_jit(session)
    m = _metric(f, srid)
    size, grow = _float(cell_size_m, "size"), _float(float(reach), "reach")
    gx = (m.c.x - _float(x0, "x0")) / size + grow
    gy = (m.c.y - _float(y0, "y0")) / size + grow
    # not fenced: from stored (or once transformed) coordinates each step is a few operations,
    # cheaper to repeat inside the parallel workers than to pass on row by row to the leader
    g = select(gx.label("gx"), gy.label("gy"), m.c.weight).subquery("g")
    fl = select(g.c.gx, g.c.gy, func.floor(g.c.gx).label("fx0"), func.floor(g.c.gy).label("fy0"),
                g.c.weight).subquery("fl")
    fx, fy = fl.c.gx - fl.c.fx0, fl.c.gy - fl.c.fy0
    parts = select(cast(fl.c.fx0, BigInteger).label("ix"), cast(fl.c.fy0, BigInteger).label("iy"),
                   fl.c.weight.label("w"), fx.label("fx"), fy.label("fy")).subquery("parts")
    c = parts.c
    if weighted:
        sums = (func.sum(c.w), func.sum(c.w * c.fx), func.sum(c.w * c.fy), func.sum(c.w * (c.fx * c.fy)))
    else:
        sums = (func.count(), func.sum(c.fx), func.sum(c.fy), func.sum(c.fx * c.fy))
    stmt = select(c.ix, c.iy, *sums).group_by(c.ix, c.iy)
    with _hashed(session, BUCKETS_WORK_MEM):  # a fine grid has a few hundred thousand cells with points
        ix, iy, total, sx, sy, sxy = _columns(session, stmt, (np.int64, np.int64, float, float, float, float))
    return {"ix": ix, "iy": iy, "s00": total - sx - sy + sxy, "s10": sx - sxy, "s01": sy - sxy, "s11": sxy}


def polygon_keys(session: Session, f: SelectionFilter, kind: str, ids: Sequence[int], *,
                 set_name: str | None = None) -> dict[int, tuple[int, float]]:
    """Polygon id → (count, weight sum) of the selection; an incident on a shared border counts once,
    for the polygon of lowest id that holds it (``geo.analysis.cells.polygon_counts``'s rule, the
    polygons being read by id). ``kind`` is "district", "patrol_zone" or "analysis_area"."""
    model = AnalysisArea if kind == "analysis_area" else AREA_MODELS[kind]
    s = selected(f)
    on = [func.ST_Intersects(model.geom, s.c.geom), model.id.in_([int(i) for i in ids])]
    if set_name is not None:
        on.append(AnalysisArea.set_name == set_name)
    first = (select(s.c.id, model.id.label("pid"), s.c.weight).join(model, and_(*on))
             .ext(distinct_on(s.c.id)).order_by(s.c.id, model.id).subquery("first"))
    stmt = select(first.c.pid, func.count(), func.sum(first.c.weight)).group_by(first.c.pid)
    return {int(pid): (int(n), float(w)) for pid, n, w in session.execute(stmt)}


def time_buckets(session: Session, f: SelectionFilter, *, seconds: int = BUCKET_SECONDS) -> dict[str, np.ndarray]:
    """Incidents per ``seconds`` of UTC time (buckets from 2000-01-01 00:00 UTC): ``start`` (epoch
    microseconds of each bucket), ``count`` and ``synthetic`` (how many of them are synthetic);
    ``seconds`` the bucket's length."""
    _no_jit(session)
    s = selected(f)
    origin = func.to_timestamp(literal(946684800, Integer))
    bucket = func.date_bin(func.make_interval(0, 0, 0, 0, 0, 0, literal(seconds, Integer)), s.c.occurred_at, origin)
    grouped = (select(bucket.label("bucket"), func.count().label("n"), func.count().filter(s.c.synthetic).label("syn"))
               .group_by(bucket).subquery("buckets"))
    g = grouped.c
    stmt = select(cast(extract("epoch", g.bucket) * 1_000_000, BigInteger), g.n, g.syn)
    with _hashed(session, BUCKETS_WORK_MEM):
        start, count, synthetic = _columns(session, stmt, (np.int64, np.int64, np.int64))
    return {"start": start, "count": count, "synthetic": synthetic, "seconds": seconds}
