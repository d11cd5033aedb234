"""The options of a hot spot analysis, checked before anything is read or stored.

Two frozen records: :class:`Selection` (which incidents) and :class:`Parameters` (the method and
how incidents are counted and tested), checked by :func:`selection` and :func:`parameters`, or read
from the fields of one JSON object (a request body) by ``Selection.from_json`` and
``Parameters.from_json``. Both come back as JSON to be stored with the run, so a run says exactly
what it did. Every problem is an ``InvalidInput`` naming the option.

The grid of a run (square or hexagon cells, and a kernel density's) is laid in ``crs`` (an EPSG
code of a projected CRS in metres; default the UTM zone of its extent), at ``origin`` plus
multiples of the cell size (default 0, 0 of that CRS), over ``extent``: "area" (the selection's
area, which it then needs), "layer" (the bounds of every stored incident, whatever the filters, so
runs of two categories share their cells) or "selection" (the selected incidents' bounds). Without
``extent`` the grid covers the area when there is one, else the selection, as runs always did.
Incidents can be weighted (``weight_field="weight"``: the sum of weights instead of the count,
a missing weight counting 1). Aggregation "analysis_area" counts into the polygons of an imported
set (``area_set``) with queen, rook, distance or "file" neighbours (the set's GAL/GWT file).

Times: a ``datetime`` or an ISO 8601 string; one without an offset is read in the selection's
``timezone``. A date without a time means the whole day: ``start`` from its first moment, ``end``
up to the end of it (the stored ``end`` is the next midnight, exclusive).
"""
from __future__ import annotations

import math
import secrets
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ...analysis.selection import hour_band_mask
from ...crs import metric_crs
from ...domain import DEFAULT_TIMEZONE, INT_MAX, IncidentSource, values
from ...errors import InvalidInput
from ...messages import N_, Message, Text
from ...times import within_years

METHODS = ("gi_star", "local_moran", "kde", "emerging")
AGGREGATIONS = ("square", "hexagon", "district", "patrol_zone", "analysis_area")
GRIDS = ("square", "hexagon")
NEIGHBOURS = ("queen", "rook", "distance", "file")
EXTENTS = ("area", "layer", "selection")
WEIGHT_FIELDS = ("weight",)  # the numeric incident fields a run can sum
WEIGHTS = ("binary", "row")
KERNELS = ("quartic", "gaussian")
AREA_KINDS = ("district", "patrol_zone", "polygon")
MIN_CELL_SIZE_M = 10.0
MIN_KDE_CELL_SIZE_M = MIN_CELL_SIZE_M / 2
MAX_COORDINATE_M = 1e8  # an origin farther out is no place on Earth in any metric CRS
MAX_CELL_SIZE_M = 20_000.0
MAX_BANDWIDTH_M = 20_000.0
MAX_DISTANCE_M = 50_000.0
MAX_PERMUTATIONS = 9_999
TIME_STEPS = ("day", "week", "month")  # an emerging run's steps (geo.db.cube)
MAX_TIME_WINDOW = 12  # previous steps in a bin's neighbourhood


@dataclass(frozen=True)
class Area:
    """A district or patrol zone by id, or a polygon drawn on the map (a GeoJSON geometry)."""

    kind: str
    id: int | None = None
    geometry: dict | None = None

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


@dataclass(frozen=True)
class Selection:
    """Which incidents: SQL filters time, category, area and source; weekday and hour follow."""

    start: datetime | None = None
    end: datetime | None = None
    weekdays: tuple[int, ...] | None = None
    hour_band: tuple[int, int] | None = None
    categories: tuple[str, ...] | None = None
    area: Area | None = None
    sources: tuple[str, ...] | None = None
    exclude_sources: tuple[str, ...] | None = None
    timezone: str = DEFAULT_TIMEZONE
    deduplicate: bool = False

    @classmethod
    def from_json(cls, body: Mapping, *, timezone: str = DEFAULT_TIMEZONE) -> Selection:
        """The checked selection of the selection fields of a JSON object (its other fields are
        left to ``Parameters.from_json``); a null is as absent; ``timezone`` when it names none.

        >>> Selection.from_json({"weekdays": [5, 4], "method": "gi_star"}).weekdays
        (4, 5)
        """
        given = _given(body, cls)
        return selection(**({"timezone": timezone} | given))

    def as_json(self) -> dict:
        out = asdict(self)
        out["start"] = self.start and self.start.isoformat()
        out["end"] = self.end and self.end.isoformat()
        out["area"] = self.area and self.area.as_json()
        return {k: list(v) if isinstance(v, tuple) else v for k, v in out.items()}


@dataclass(frozen=True)
class Parameters:
    """The method and how incidents are counted and tested; fields a method does not use stay None."""

    method: str
    aggregation: str | None = None
    cell_size_m: float | None = None
    neighbours: str | None = None
    distance_m: float | None = None
    weights: str | None = None
    permutations: int = 0
    seed: int | None = None
    bandwidth_m: float | None = None
    kernel: str | None = None
    crs: int | None = None
    origin: tuple[float, float] | None = None
    extent: str | None = None
    weight_field: str | None = None
    area_set: str | None = None
    time_step: str | None = None  # emerging: the cube's step
    time_window: int | None = None  # emerging: previous steps in a bin's neighbourhood (ArcGIS's k)
    # a kernel density's cell size left to kuzet: the run may make it coarser to stay in its limits
    cell_size_default: bool = field(default=False, metadata={"internal": True})

    @classmethod
    def from_json(cls, body: Mapping) -> Parameters:
        """The checked parameters of the parameter fields of a JSON object (``method`` required; its
        other fields are left to ``Selection.from_json``); a null is as absent.

        >>> Parameters.from_json({"method": "kde", "bandwidth_m": 300}).as_json()
        {'cell_size_m': 30.0, 'permutations': 0, 'bandwidth_m': 300.0, 'kernel': 'quartic'}
        """
        given = _given(body, cls)
        if "method" not in given:
            raise InvalidInput(Message("options.missing-field-method", N_("missing field(s): method")))
        return parameters(**given)

    def as_json(self) -> dict:
        """The parameters as stored with the run; the method is stored beside them (the run's own column)."""
        out = {k: v for k, v in asdict(self).items()
               if v is not None and k not in ("method", "cell_size_default")}
        if self.origin is not None:
            out["origin"] = list(self.origin)
        return out


def _public(record: type) -> tuple[str, ...]:
    return tuple(f.name for f in fields(record) if not f.metadata.get("internal"))


RUN_FIELDS = _public(Parameters) + _public(Selection)
TEXT_FIELDS = ("method", "aggregation", "neighbours", "weights", "kernel", "timezone", "extent", "weight_field",
               "area_set", "time_step")


def _given(body: Mapping, record: type) -> dict:
    """The fields of ``record`` present in ``body`` and not null; names must be strings."""
    given = {name: body[name] for name in _public(record) if body.get(name) is not None}
    for name in TEXT_FIELDS:
        if name in given and not isinstance(given[name], str):
            raise InvalidInput(Message("options.string", N_("%(name)s must be a string"), name=name))
    return given


def _choice(value, allowed: tuple[str, ...], name: str) -> str:
    if value not in allowed:
        raise InvalidInput(Message("options.unknown-one",
                                   N_("unknown %(name)s %(value)r; use one of: %(allowed)s"),
                                   name=name, value=value, allowed=', '.join(allowed)))
    return value


def _number(value, name: str, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInput(Message("options.number", N_("%(name)s must be a number"), name=name))
    above = value > lo if lo == 0 else value >= lo  # a lower bound of 0 is exclusive: no 0 m bandwidth
    if not (above and value <= hi):
        low = (Message("options.more-than", N_("more than %(lo)s"), lo=f"{lo:g}") if lo == 0
               else Message("options.at-least", N_("at least %(lo)s"), lo=f"{lo:g}"))
        raise InvalidInput(Message("options.most-got",
                                   N_("%(name)s must be %(low)s and at most %(hi)g, got %(value)g"),
                                   name=name, low=low, hi=hi, value=value))
    return float(value)


def _whole(value, name: str, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InvalidInput(Message("options.whole-number",
                                   N_("%(name)s must be a whole number from %(lo)s to %(hi)s"),
                                   name=name, lo=lo, hi=hi))
    return value


def _zone(name) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, TypeError):
        raise InvalidInput(Message("options.unknown-time-zone",
                                   N_("unknown time zone %(name)r (use an IANA name such as Asia/Almaty)"),
                                   name=name)) from None


def moment(value, name: str, zone: ZoneInfo, *, end: bool = False) -> datetime | None:
    """A datetime from a datetime, a date or an ISO string; naive ones in ``zone``; see the module."""
    if value is None or value == "":
        return None
    whole_day = isinstance(value, date) and not isinstance(value, datetime)
    if isinstance(value, str):
        text = value.strip()
        try:
            whole_day = len(text) == 10
            value = date.fromisoformat(text) if whole_day else datetime.fromisoformat(text)
        except ValueError:
            raise InvalidInput(Message("options.not-iso-date-time",
                                       N_("%(name)s is not an ISO 8601 date or date-time: %(text)r"),
                                       name=name, text=text)) from None
    if not isinstance(value, date):
        raise InvalidInput(Message("options.date-time", N_("%(name)s must be a date or date-time"), name=name))
    within_years(value, name)
    if whole_day:
        value = datetime.combine(value + timedelta(days=1 if end else 0), time())
    return value if value.tzinfo is not None else value.replace(tzinfo=zone)


def _texts(value, name: str, allowed: tuple[str, ...] | None = None) -> tuple[str, ...] | None:
    if value is None:
        return None
    if isinstance(value, str) or not isinstance(value, Iterable):
        raise InvalidInput(Message("options.list-strings", N_("%(name)s must be a list of strings"), name=name))
    items = tuple(dict.fromkeys(value))
    if not all(isinstance(v, str) and v for v in items):
        raise InvalidInput(Message("options.list-non-empty",
                                   N_("%(name)s must be a list of non-empty strings"),
                                   name=name))
    for v in items if allowed else ():
        _choice(v, allowed, name[:-1] if name.endswith("s") else name)
    return items or None  # an empty list chooses nothing in particular: everything


def area_of(value) -> Area | None:
    """``{"kind": "district"|"patrol_zone", "id": n}`` or ``{"kind": "polygon", "geometry": {...}}``."""
    if value is None:
        return None
    if isinstance(value, Area):
        return value
    if not isinstance(value, Mapping):
        raise InvalidInput(Message("options.area-object-kind",
                                   N_("area must be an object: {kind, id} or {kind: polygon, geometry}")))
    kind = _choice(value.get("kind"), AREA_KINDS, "area kind")
    unknown = set(value) - {"kind", "id", "geometry"}
    if unknown:
        raise InvalidInput(Message("options.area-has-unknown",
                                   N_("area has unknown field(s): %(unknown)s"),
                                   unknown=', '.join(sorted(unknown))))
    if kind == "polygon":
        if not isinstance(value.get("geometry"), Mapping):
            raise InvalidInput(Message("options.drawn-area-needs", N_("a drawn area needs its GeoJSON geometry")))
        return Area(kind, geometry=dict(value["geometry"]))
    return Area(kind, id=_whole(value.get("id"), "area id", 1, INT_MAX))


def selection(*, start=None, end=None, weekdays=None, hour_band=None, categories=None, area=None,
              sources=None, exclude_sources=None, timezone: str = DEFAULT_TIMEZONE,
              deduplicate: bool = False) -> Selection:
    """The checked :class:`Selection`; see the module for how times are read."""
    zone = _zone(timezone)
    start, end = moment(start, "start", zone), moment(end, "end", zone, end=True)
    if start is not None and end is not None and end <= start:
        raise InvalidInput(Message("options.end-come-after",
                                   N_("end (%(isoformat)s) must come after start (%(isoformat2)s)"),
                                   isoformat=end.isoformat(), isoformat2=start.isoformat()))
    if weekdays is not None:
        if isinstance(weekdays, (str, bytes)) or not isinstance(weekdays, Iterable):
            raise InvalidInput(Message("options.weekdays-list-days",
                                       N_("weekdays must be a list of days 0 (Monday) to 6 (Sunday)")))
        weekdays = tuple(sorted({_whole(d, "weekday", 0, 6) for d in weekdays})) or None
        weekdays = None if weekdays == tuple(range(7)) else weekdays
    if hour_band is not None:
        if isinstance(hour_band, (str, bytes)) or not isinstance(hour_band, Iterable) or len(list(hour_band)) != 2:
            raise InvalidInput(Message("options.hour-band-two",
                                       N_("hour_band must be two hours [from, to], e.g. [22, 4]")))
        band = tuple(_whole(h, "hour_band", 0, 24) for h in hour_band)
        hour_band_mask([0], band)  # raises on a band that is not one
        hour_band = None if band == (0, 24) else band
    source_names = values(IncidentSource)
    if not isinstance(deduplicate, bool):
        raise InvalidInput(Message("options.deduplicate-true-false", N_("deduplicate must be true or false")))
    return Selection(start, end, weekdays, hour_band, _texts(categories, "categories"), area_of(area),
                     _texts(sources, "sources", source_names), _texts(exclude_sources, "exclude_sources", source_names),
                     zone.key, deduplicate)


def origin_of(value) -> tuple[float, float] | None:
    """``[x, y]`` in metres of the grid's CRS, or None."""
    if value is None:
        return None
    if isinstance(value, (str, bytes, Mapping)) or not isinstance(value, Iterable):
        raise InvalidInput(Message("options.origin-two-numbers",
                                   N_("origin must be two numbers [x, y] in metres of the grid's CRS")))
    xy = list(value)
    if len(xy) != 2:
        raise InvalidInput(Message("options.origin-two-numbers",
                                   N_("origin must be two numbers [x, y] in metres of the grid's CRS")))
    x, y = (_number(v, "origin", -MAX_COORDINATE_M, MAX_COORDINATE_M) for v in xy)
    return (x, y)


def _grid_options(aggregation: str, crs, origin, extent) -> tuple[int | None, tuple | None, str | None]:
    """The checked crs, origin and extent; origin and extent are a grid's (cells or a density)."""
    if crs is not None:
        metric_crs(crs)  # raises with the reason a CRS will not do
    origin = origin_of(origin)
    if extent is not None:
        extent = _choice(extent, EXTENTS, "extent")
    if aggregation not in GRIDS and (origin is not None or extent is not None):
        raise InvalidInput(Message("options.origin-extent-belong",
                                   N_("origin and extent belong to a grid; %(aggregation)s polygons are what they "
                                      "are (use aggregation square or hexagon)"),
                                   aggregation=aggregation.replace("_", " ")))
    return crs, origin, extent


def _weight_field(value) -> str | None:
    return None if value is None else _choice(value, WEIGHT_FIELDS, "weight_field")


def parameters(method: str, *, aggregation: str = "square", cell_size_m=None, neighbours: str = "queen",
               distance_m=None, weights: str | None = None, permutations=0, seed=None, bandwidth_m=None,
               kernel: str = "quartic", crs=None, origin=None, extent=None, weight_field=None,
               area_set=None, time_step=None, time_window=None) -> Parameters:
    """The checked :class:`Parameters` of ``method``; a permutation run without a seed gets one.

    A kernel density's cell size defaults to a tenth of the bandwidth, but at least
    ``MIN_KDE_CELL_SIZE_M`` (and coarser still when the run's grid would pass its limit).
    """
    _choice(method, METHODS, "method")
    weight_field = _weight_field(weight_field)
    if method == "kde":
        bandwidth = _number(250.0 if bandwidth_m is None else bandwidth_m, "bandwidth_m", 0, MAX_BANDWIDTH_M)
        if cell_size_m is None and bandwidth < MIN_KDE_CELL_SIZE_M:
            raise InvalidInput(Message("options.bandwidth-finer-than",
                                       N_("a bandwidth of %(bandwidth)g m is finer than the finest cells "
                                          "(%(MIN_KDE_CELL_SIZE_M)g m); choose a bandwidth of at least "
                                          "%(MIN_KDE_CELL_SIZE_M)g m"),
                                       bandwidth=bandwidth, MIN_KDE_CELL_SIZE_M=MIN_KDE_CELL_SIZE_M))
        cell = _number(max(bandwidth / 10, MIN_KDE_CELL_SIZE_M) if cell_size_m is None else cell_size_m,
                       "cell_size_m", MIN_KDE_CELL_SIZE_M, MAX_CELL_SIZE_M)
        if cell > bandwidth:
            raise InvalidInput(Message("options.cells-are-coarser",
                                       N_("cells of %(cell)g m are coarser than the bandwidth of %(bandwidth)g m; "
                                          "choose cells smaller than the bandwidth"),
                                       cell=cell, bandwidth=bandwidth))
        crs, origin, extent = _grid_options("square", crs, origin, extent)
        return Parameters(method, cell_size_m=cell, bandwidth_m=bandwidth, kernel=_choice(kernel, KERNELS, "kernel"),
                          crs=crs, origin=origin, extent=extent, weight_field=weight_field,
                          cell_size_default=cell_size_m is None)
    aggregation = _choice(aggregation, AGGREGATIONS, "aggregation")
    if method == "emerging":
        _emerging_checks(aggregation, weights, permutations, weight_field)
    elif time_step is not None or time_window is not None:
        raise InvalidInput(Message("options.time-step-emerging",
                                   N_("time_step and time_window belong to emerging hot spots (method emerging)")))
    grid = aggregation in GRIDS
    cell = _number(250.0 if cell_size_m is None else cell_size_m, "cell_size_m", MIN_CELL_SIZE_M,
                   MAX_CELL_SIZE_M) if grid else None
    crs, origin, extent = _grid_options(aggregation, crs, origin, extent)
    if aggregation == "analysis_area":
        if not isinstance(area_set, str) or not area_set.strip():
            raise InvalidInput(Message("options.aggregation-analysis-area",
                                       N_("aggregation analysis_area needs area_set: the name of an imported set "
                                          "of areas")))
        area_set = area_set.strip()
    elif area_set is not None:
        raise InvalidInput(Message("options.area-set-names",
                                   N_("area_set names the areas of aggregation analysis_area; choose that "
                                      "aggregation")))
    neighbours = _choice(neighbours, NEIGHBOURS, "neighbour rule")
    if neighbours == "file" and aggregation != "analysis_area":
        raise InvalidInput(Message("options.neighbours-weights-file",
                                   N_("neighbours from a weights file need aggregation analysis_area (the file "
                                      "comes with its set)")))
    distance = None
    if neighbours == "distance":
        if distance_m is None:
            raise InvalidInput(Message("options.distance-band-needs", N_("a distance band needs distance_m")))
        distance = _number(distance_m, "distance_m", 0, MAX_DISTANCE_M)
    weights = _choice(weights or ("binary" if method in ("gi_star", "emerging") else "row"), WEIGHTS, "weights")
    permutations = _whole(permutations or 0, "permutations", 0, MAX_PERMUTATIONS)
    if seed is not None:
        seed = _whole(seed, "seed", 0, 2**32 - 1)
    elif permutations:
        seed = secrets.randbelow(2**31)  # recorded, so the run can be repeated exactly
    if method == "emerging":
        time_step = _choice("week" if time_step is None else time_step, TIME_STEPS, "time_step")
        time_window = _whole(1 if time_window is None else time_window, "time_window", 0, MAX_TIME_WINDOW)
    return Parameters(method, aggregation, cell, neighbours, distance, weights, permutations,
                      seed if permutations else None, crs=crs, origin=origin, extent=extent,
                      weight_field=weight_field, area_set=area_set, time_step=time_step, time_window=time_window)


def _emerging_checks(aggregation: str, weights, permutations, weight_field) -> None:
    """An emerging run counts incidents into grid cells and tests them with analytic Gi* on binary weights."""
    if aggregation not in GRIDS:
        raise InvalidInput(Message("options.emerging-grid",
                                   N_("emerging hot spots count into square or hexagon cells; choose aggregation "
                                      "square or hexagon")))
    if weights not in (None, "binary"):
        raise InvalidInput(Message("options.emerging-binary",
                                   N_("emerging hot spots use binary space-time weights; leave weights to the "
                                      "method default")))
    if permutations:
        raise InvalidInput(Message("options.emerging-analytic",
                                   N_("emerging hot spots use analytic p-values; set permutations to 0")))
    if weight_field is not None:
        raise InvalidInput(Message("options.emerging-counts",
                                   N_("emerging hot spots count incidents; leave weight_field empty")))


def area_kind(kind: str) -> Message:
    """An area kind as users say it, in their language (``kind`` itself for one not named here)."""
    if kind == "district":
        return Message("area-kind.district", N_("district"))
    if kind == "patrol_zone":
        return Message("area-kind.patrol-zone", N_("patrol zone"))
    if kind == "analysis_area":
        return Message("area-kind.analysis-area", N_("analysis area"))
    return Text("area-kind.other", kind.replace("_", " "))
