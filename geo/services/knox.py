"""Near repeats as a use case: the Knox test over the analyst's selection, stored as an analysis run.

``near_repeats`` selects the incidents as a hot spot run does (``geo.services.hotspots``: time,
weekdays, hours, categories, sources, area), projects them to the UTM zone of their extent, reads
each one's calendar day in the selection's zone and builds the table of ``geo.analysis.knox``. The
run is stored with method ``knox``, its checked parameters and the table in its summary (``knox``);
it has no cells. ``knox_run`` reads it back, ``knox_csv`` exports the table, ``plain_words`` says
what it found. Only analysts run it; police staff read it.
"""
from __future__ import annotations

import csv
import io
import secrets
import time
from dataclasses import asdict, dataclass
from collections.abc import Mapping

import numpy as np
import pandas as pd
from sqlalchemy.orm import Session

from ..access import Principal
from ..analysis.knox import ALPHA, METRICS, KnoxTable, groups, knox
from ..crs import metric_crs_for
from ..db import analysis_runs as runs
from ..errors import InvalidInput
from ..messages import N_, NP_, Message
from ..settings import ZoneLimits
from .hotspots.options import Selection, _choice, _whole
from .hotspots.run import may_run, no_match, resolve_area, selected_incidents
from .hotspots.runs import _stored

METHOD = "knox"
FIELDS = ("band_m", "bands", "band_days", "time_bands", "metric", "permutations", "seed")
MAX_INCIDENTS = 50_000  # (D) a year of a large city's burglaries; the close pairs stay in memory
MAX_BANDS = 20
MAX_PERMUTATIONS = 9999


@dataclass(frozen=True)
class KnoxParameters:
    """The bands and permutations of a Knox run (see ``geo.analysis.knox`` for the band rules)."""

    band_m: int = 100
    bands: int = 5
    band_days: int = 7
    time_bands: int = 5
    metric: str = "euclidean"
    permutations: int = 99
    seed: int | None = None

    @classmethod
    def from_json(cls, body: Mapping) -> "KnoxParameters":
        """The checked parameters of a JSON object's fields (a null is as absent); a seed is drawn
        and recorded when none is given, so the run can be repeated exactly.

        >>> KnoxParameters.from_json({"band_m": 200, "seed": 1}).as_json()["band_m"]
        200
        """
        given = {k: body[k] for k in FIELDS if body.get(k) is not None}
        metric = given.get("metric", "euclidean")
        if not isinstance(metric, str):
            raise InvalidInput(Message("options.string", N_("%(name)s must be a string"), name="metric"))
        seed = given.get("seed")
        return cls(band_m=_whole(given.get("band_m", 100), "band_m", 1, 5000),
                   bands=_whole(given.get("bands", 5), "bands", 1, MAX_BANDS),
                   band_days=_whole(given.get("band_days", 7), "band_days", 1, 365),
                   time_bands=_whole(given.get("time_bands", 5), "time_bands", 1, MAX_BANDS),
                   metric=_choice(metric, METRICS, "metric"),
                   permutations=_whole(given.get("permutations", 99), "permutations", 1, MAX_PERMUTATIONS),
                   seed=secrets.randbelow(2**31) if seed is None else _whole(seed, "seed", 0, 2**32 - 1))

    def as_json(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class KnoxResult:
    """A stored Knox run: its id, the table, the selection and area it covered."""

    run_id: int
    table: KnoxTable
    parameters: dict
    selection: dict
    summary: dict
    created_by: str
    created_at: object = None
    duration_ms: int | None = None

    def as_json(self) -> dict:
        return {"id": self.run_id, "method": METHOD, "parameters": self.parameters, "selection": self.selection,
                "summary": self.summary, "created_by": self.created_by,
                "created_at": self.created_at and self.created_at.isoformat(), "duration_ms": self.duration_ms}


def incident_days(occurred_at: pd.Series, timezone: str) -> np.ndarray:
    """Each incident's calendar day in ``timezone`` as a whole number (days since 1970-01-01)."""
    local = pd.to_datetime(occurred_at, utc=True).dt.tz_convert(timezone).dt.tz_localize(None).dt.normalize()
    return ((local - pd.Timestamp("1970-01-01")) // pd.Timedelta(days=1)).to_numpy(dtype=np.int64)


def near_repeats(session: Session, selection: Selection, parameters: KnoxParameters, *, actor: Principal,
                 max_vertices: int = ZoneLimits.max_vertices,
                 max_incidents: int = MAX_INCIDENTS) -> KnoxResult:
    """Run the Knox test on the selected incidents and store it as an analysis run (method ``knox``).

    Parameters
    ----------
    selection : which incidents (``geo.services.hotspots.Selection``); days are read in its zone.
    parameters : bands and permutations (:class:`KnoxParameters`).
    actor : an analyst; the run is stored under their login.

    Examples
    --------
    >>> chosen = Selection.from_json({"categories": ["BURGLARY"]})
    >>> result = near_repeats(session, chosen, KnoxParameters(seed=1), actor=SYSTEM)  # doctest: +SKIP
    >>> [str(m) for m in plain_words(result.table)]  # doctest: +SKIP
    ['within 100 m: over-represented for up to 7 days']
    """
    may_run(actor)
    began = time.perf_counter()
    area_info, area_geom = resolve_area(session, selection.area, max_vertices)
    frame = selected_incidents(session, selection, area_geom)
    if frame.empty:
        raise InvalidInput(no_match(session))
    if len(frame) < 2:
        raise InvalidInput(Message("knox.two-incidents",
                                   N_("a near repeat test needs at least two incidents; the selection has one")))
    if len(frame) > max_incidents:
        raise InvalidInput(Message("knox.too-many",
                                   N_("the selection has %(n)s incidents; a near repeat test takes at most "
                                      "%(most)s (choose a shorter period, fewer categories or a smaller area)"),
                                   n=format(len(frame), ","), most=format(max_incidents, ",")))
    metric = frame.to_crs(metric_crs_for(frame))
    xy = np.column_stack([metric.geometry.x.to_numpy(), metric.geometry.y.to_numpy()])
    days = incident_days(frame["occurred_at"], selection.timezone)
    table = knox(xy, days, **parameters.as_json())
    summary = {"incidents": len(frame), "area": area_info, "crs": metric_crs_for(frame).to_epsg(),
               "knox": table.as_json()}
    run = runs.insert_run(session, method=METHOD, parameters=parameters.as_json(), selection=selection.as_json(),
                          incident_count=len(frame), cell_count=0, island_count=0, summary=summary,
                          created_by=actor.login)
    run.duration_ms = int((time.perf_counter() - began) * 1000)
    session.flush()
    return KnoxResult(run.id, table, run.parameters, run.selection, summary, run.created_by, run.created_at,
                      run.duration_ms)


def knox_run(session: Session, run_id: int, *, viewer: Principal) -> KnoxResult:
    """A stored Knox run (police staff); NotFound when there is none, InvalidInput when it is another method."""
    run = _stored(session, run_id, viewer)
    if run.method != METHOD:
        raise InvalidInput(Message("knox.not-knox", N_("run %(run_id)s is not a near repeat (Knox) run"),
                                   run_id=run_id))
    return KnoxResult(run.id, KnoxTable.from_json(run.summary["knox"]), run.parameters, run.selection,
                      run.summary, run.created_by, run.created_at, run.duration_ms)


def distance_label(edges: tuple[int, int | None]) -> Message:
    """A row as the Near Repeat Calculator names it: "Same location", "1 to 100 m", "more than 500 m"."""
    lo, hi = edges
    if hi == 0:
        return Message("knox.same-location", N_("Same location"))
    if hi is None:
        return Message("knox.more-than-m", N_("more than %(m)s m"), m=lo - 1)
    return Message("knox.band-m", N_("%(lo)s to %(hi)s m"), lo=lo, hi=hi)


def day_label(edges: tuple[int, int | None]) -> Message:
    """A column as the calculator names it: "0 to 7 days", "8 to 14 days", "more than 35 days"."""
    lo, hi = edges
    if hi is None:
        return Message("knox.more-than-days", NP_("more than %(num)s day", "more than %(num)s days"), num=lo - 1)
    return Message("knox.band-days", NP_("%(lo)s to %(num)s day", "%(lo)s to %(num)s days"), lo=lo, num=hi)


def plain_words(table: KnoxTable, alpha: float = ALPHA) -> list[Message]:
    """What the table found, row group by row group: "within 100 m: over-represented for up to 7
    days" (rows from the same location or the first band), "101 to 200 m: ..." further out; one
    sentence saying nothing was found otherwise."""
    found = groups(table, alpha)
    edges, said = table.distance_edges(), []
    for first, last, columns in found:
        days = columns * table.band_days
        if first == 0 and last == 0:
            where = distance_label(edges[0])
        elif first <= 1:
            where = Message("knox.within-m", N_("within %(m)s m"), m=edges[last][1])
        else:
            where = Message("knox.band-m", N_("%(lo)s to %(hi)s m"), lo=edges[first][0], hi=edges[last][1])
        said.append(Message("knox.over-for-up-to",
                            NP_("%(where)s: over-represented for up to %(num)s day",
                                "%(where)s: over-represented for up to %(num)s days"), where=where, num=days))
    if not said:
        said.append(Message("knox.no-near-repeats",
                            N_("no near repeat pattern: no band within %(m)s m has significantly more pairs than "
                               "expected in its first %(days)s days"),
                            m=edges[-2][1], days=table.band_days))
    return said


def knox_csv(session: Session, run_id: int, *, viewer: Principal) -> str:
    """A stored Knox table as CSV: one row per cell with its bands' limits, observed and expected
    pairs, Knox ratio, p-values and whether it is over- or under-represented."""
    result = knox_run(session, run_id, viewer=viewer)
    t = result.table
    over, under = t.over(), t.under()
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["run_id", "method", "distance_from_m", "distance_to_m", "days_from", "days_to", "metric",
                     "observed", "expected", "knox_ratio", "p", "p_low", "significance"])

    def number(v):
        return "" if not np.isfinite(v) else f"{v:.6g}"
    for r, (dlo, dhi) in enumerate(t.distance_edges()):
        for c, (tlo, thi) in enumerate(t.day_edges()):
            mark = "over" if over[r, c] else ("under" if under[r, c] else "")
            writer.writerow([result.run_id, METHOD, dlo, "" if dhi is None else dhi, tlo, "" if thi is None else thi,
                             t.metric, int(t.observed[r, c]), number(t.expected[r, c]), number(t.ratio[r, c]),
                             number(t.p[r, c]), number(t.p_low[r, c]), mark])
    return out.getvalue()
