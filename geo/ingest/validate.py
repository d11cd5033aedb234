"""Check every row of a source against a layer before anything is stored.

Every problem of every row is collected (row number, field, reason); the caller stores nothing
when the list is not empty. Values come out typed and geometries in EPSG:4326.
"""
from __future__ import annotations

from collections.abc import Mapping as MappingType
from dataclasses import dataclass, field
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from shapely.validation import explain_validity

from ..crs import STORAGE_CRS
from ..domain import INT_MAX, INT_MIN
from ..errors import InvalidInput, RowError
from ..layers import Field, LayerSpec
from ..messages import N_, Message
from .readers import Source
from .times import TimeOptions, TimeReading, read_times

ACCEPTED_TYPES = {
    "Point": {"Point"},
    "LineString": {"LineString", "MultiLineString"},  # a multi-line is stored part by part
    "Polygon": {"Polygon"},
    "MultiPolygon": {"Polygon", "MultiPolygon"},
    "Geometry": {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"},
}
# Names of the GEOS type ids (shapely.get_type_id), as ``geom_type`` gives them.
GEOMETRY_TYPES = np.array(["Point", "LineString", "LinearRing", "Polygon", "MultiPoint", "MultiLineString",
                           "MultiPolygon", "GeometryCollection"], dtype=object)
# An "int" field is stored in a PostgreSQL integer column, a "bigint" one (OSM ids) in a bigint.
INT_RANGE = (INT_MIN, INT_MAX)
BIGINT_RANGE = (-2**63, 2**63 - 1)


@dataclass
class Prepared:
    """Rows ready to store: typed columns and geometries (EPSG:4326) in file order, and report lines
    on how the values were read (``notes``: rows per date format, DST overlaps and gaps)."""

    columns: dict[str, np.ndarray]
    geometry: np.ndarray
    count: int
    notes: list[str] = field(default_factory=list)

    def subset(self, keep: np.ndarray) -> "Prepared":
        """Only the rows where ``keep`` (a boolean mask) is true, in file order."""
        columns = {name: np.asarray(values, dtype=object)[keep] for name, values in self.columns.items()}
        return Prepared(columns, self.geometry[keep], int(keep.sum()), self.notes)


def timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(Message("options.unknown-time-zone",
                                   N_("unknown time zone %(name)r (use an IANA name such as Asia/Almaty)"),
                                   name=name)) from exc


def validate(source: Source, spec: LayerSpec, columns: MappingType[str, str],
             constants: MappingType[str, str], *, tz: ZoneInfo,
             refs: MappingType[str, MappingType[str, int]] | None = None,
             repair: bool = False,
             existing: MappingType[str, set] | None = None,
             extent: Extent | None = None,
             times: TimeOptions = TimeOptions(),
             seen: dict[str, dict] | None = None,
             readings: dict[str, TimeReading] | None = None) -> tuple[Prepared, list[RowError]]:
    """Validate all rows; return the prepared rows and every error found (sorted by row).

    ``existing`` holds, per unique field, the values already stored; ``extent`` is the layer's
    plausible area (lon/lat bounds): a geometry not inside it is refused. ``times`` says how dates
    and times are read (geo.ingest.times). A row repeating a unique value of an earlier row is an
    error even when that earlier row has other errors: which of the two is meant is the user's call.

    A chunk of a file (``source.offset`` rows before it) is validated alike, its errors numbered as
    rows of the file: ``seen`` (per unique field, value → first row) and ``readings`` (per time
    column, how its values were read) carry over from the chunks before, so the repeats and the
    notes are those of the whole file.
    """
    n = len(source.frame)
    errors = list(source.errors)
    out: dict[str, np.ndarray] = {}
    readings = {} if readings is None else readings
    for f in spec.fields:
        if f.name in constants:
            raw = pd.Series([constants[f.name]] * n, dtype=object)
            label = f"{f.name} (--set)"
        elif f.name in columns:
            raw = source.frame[columns[f.name]]
            label = columns[f.name]
        elif f.default is not None:
            raw, label = pd.Series([f.default] * n, dtype=object), f.name
        else:
            continue
        values, field_errors = convert(raw, f, label=label, tz=tz, refs=(refs or {}).get(f.name), times=times,
                                       readings=readings)
        errors += field_errors
        out[f.column] = values
    errors += _cross_field(spec, out, n)
    errors += _unique(spec, out, existing or {}, {} if seen is None else seen, offset=source.offset)
    geometry, geom_errors = check_geometry(source.frame, spec, repair=repair)
    errors += geom_errors
    if extent is not None:
        errors += outside_extent(geometry, extent, failed={e.row for e in geom_errors})
    if source.offset:
        errors = [RowError(e.row + source.offset, e.field, e.msg) for e in errors]
    errors.sort(key=lambda e: (e.row, e.field))
    notes = [line for label, reading in readings.items()
             for line in reading.notes(label, tz=tz, ambiguous=times.ambiguous)]
    return Prepared(out, geometry, n, notes), errors


def _texts(raw: pd.Series) -> np.ndarray:
    """The values as stripped text (an object array), None where missing or blank; vectorised."""
    values = np.asarray(raw.to_numpy(dtype=object), dtype=object)
    texts = np.full(len(values), None, dtype=object)
    present = ~pd.isna(values)
    if present.any():
        texts[present] = pd.Series(values[present], dtype=object).astype(str).str.strip().to_numpy(dtype=object)
    texts[texts == ""] = None
    return texts


def convert(raw: pd.Series, f: Field, *, label: str, tz: ZoneInfo,
            refs: MappingType[str, int] | None = None, times: TimeOptions = TimeOptions(),
            notes: list[str] | None = None,
            readings: dict[str, TimeReading] | None = None) -> tuple[np.ndarray, list[RowError]]:
    """One column converted to the field's type (an object array, None where missing or refused),
    with an error for each bad value; report lines on how its values were read are added to
    ``notes``, and a time column's reading is added to ``readings[label]``.

    Vectorised: masks over the column; only the refused rows are looked at one by one.
    """
    texts = _texts(raw)
    missing = pd.isna(texts)
    parse = _PARSERS[f.type]
    values, problems = parse(texts, missing=missing, tz=tz, refs=refs, f=f, times=times, notes=notes,
                             label=label, readings=readings)
    refused: dict[int, Message] = {i: reason for i, reason in problems.items() if not missing[i]}
    ok = ~missing
    ok[list(refused)] = False
    if f.choices is not None and ok.any():
        canonical = {c.lower(): c for c in f.choices}
        rows = np.flatnonzero(ok)
        found = pd.Series(values[rows], dtype=object).astype(str).str.lower().map(canonical).to_numpy(dtype=object)
        unknown = pd.isna(found)
        for i in rows[unknown]:
            refused[int(i)] = Message("validate.not-one-of", N_("%(text)r is not one of: %(choices)s"),
                                      text=texts[i], choices=", ".join(f.choices))
        values[rows[~unknown]] = found[~unknown]
        ok[rows[unknown]] = False
    for bound, fails, code, reason in (
            (f.minimum, np.less, "validate.below-minimum", N_("%(value)s is below the minimum %(bound)g")),
            (f.above, np.less_equal, "validate.not-above", N_("%(value)g is not above %(bound)g"))):
        if bound is None or not ok.any():
            continue
        rows = np.flatnonzero(ok)
        failing = rows[fails(values[rows].astype(float), bound)]
        for i in failing:
            refused[int(i)] = Message(code, reason, value=values[i], bound=bound)
        ok[failing] = False
    errors = [RowError(int(i) + 1, label, Message("validate.required-value-missing",
                                                  N_("required value is missing"))) for i in np.flatnonzero(missing)] \
        if f.required else []
    errors += [RowError(i + 1, label, reason) for i, reason in sorted(refused.items())]
    errors.sort(key=lambda e: e.row)
    values[~ok] = None
    return values, errors


def _each(parse_one):
    """A parser applying ``parse_one(text)`` (a value, or a :class:`_Bad`) to each present value."""
    def parse(texts, *, missing, **kwargs):
        values = np.full(len(texts), None, dtype=object)
        problems = {}
        for i in np.flatnonzero(~missing):
            value = parse_one(texts[i], **kwargs)
            if isinstance(value, _Bad):
                problems[int(i)] = value.reason
            else:
                values[i] = value
        return values, problems
    return parse


class _Bad:
    __slots__ = ("reason",)

    def __init__(self, reason: Message):
        self.reason = reason


def _parse_text(texts, **_):
    return texts.copy(), {}


def _parse_number(texts, *, missing, f, **_):
    values = np.full(len(texts), None, dtype=object)
    rows = np.flatnonzero(~missing)
    if not len(rows):
        return values, {}
    given = pd.Series(texts[rows], dtype=object).str.replace(",", ".", regex=False)
    with np.errstate(invalid="ignore"):
        number = pd.to_numeric(given, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
        bad = ~np.isfinite(number)
        problems = {int(i): Message("readers.not-number", N_("not a number: %(text)r"), text=texts[i])
                    for i in rows[bad]}
        if f.type == "int":
            fraction = ~bad & (np.mod(number, 1) != 0)
            outside = ~bad & ~fraction & ((number < INT_RANGE[0]) | (number > INT_RANGE[1]))
            problems |= {int(i): Message("validate.not-whole-number", N_("not a whole number: %(text)r"),
                                         text=texts[i]) for i in rows[fraction]}
            problems |= {int(i): Message("validate.outside-int-range",
                                         N_("%(text)s is outside the range of a whole number (%(low)s to %(high)s)"),
                                         text=texts[i], low=format(INT_RANGE[0], ","), high=format(INT_RANGE[1], ","))
                         for i in rows[outside]}
            good = ~(bad | fraction | outside)
            values[rows[good]] = number[good].astype(np.int64).tolist()
        else:
            good = ~bad
            values[rows[good]] = number[good].tolist()
    return values, problems


BOOLEANS = {"yes": True, "y": True, "true": True, "t": True, "1": True,
            "no": False, "n": False, "false": False, "f": False, "0": False}


def _bool(text, **_):
    key = {"1.0": "1", "0.0": "0"}.get(text.lower(), text.lower())
    if key in BOOLEANS:
        return BOOLEANS[key]
    if key == "-1":  # OSM's oneway=-1: one way against the line's drawn direction
        return _Bad(Message("validate.against-drawn-direction",
                            N_("-1 (against the drawn direction) is not read: reverse the line and give yes")))
    return _Bad(Message("validate.not-yes-no-true-false",
                        N_("not yes or no: %(text)r (give yes/no, true/false or 1/0)"),
                        text=text))


def _parse_times(texts, *, tz, f, times: TimeOptions, notes: list[str] | None, label: str,
                 readings: dict[str, TimeReading] | None = None, **_):
    """See geo.ingest.times: the given formats, strict ISO 8601, then dotted day-first dates."""
    values, reading = read_times(texts, kind=f.type, tz=tz, options=times)
    if notes is not None:
        notes += reading.notes(label, tz=tz, ambiguous=times.ambiguous)
    if readings is not None:
        readings.setdefault(label, TimeReading()).add(reading)
    return np.asarray(values, dtype=object), reading.problems


def _ref(text, *, refs, f, **_):
    refs = refs or {}
    return refs[text] if text in refs else _Bad(Message("validate.no-named-numbered",
                                                        N_("no %(ref)s named or numbered %(text)r"),
                                                        ref=f.ref, text=text))


def _point(text, **_):
    try:
        parts = text.replace(",", " ").split()
        geom = (shapely.points(float(parts[0]), float(parts[1])) if len(parts) == 2
                else shapely.from_wkt(text))
    except (ValueError, shapely.errors.GEOSException):
        return _Bad(Message("validate.not-point-lon-lat",
                            N_("not a point (give 'lon lat' or WKT): %(text)r"), text=text))
    if geom.geom_type != "Point" or geom.is_empty or not _in_range(geom):
        return _Bad(Message("validate.not-longitude-latitude-point",
                            N_("not a longitude/latitude point: %(text)r"),
                            text=text))
    return geom


def _bigint(text, **_):
    """A 64-bit whole number read from its text (a float cannot hold every OSM id)."""
    whole = text.strip().lstrip("+")
    digits = whole[1:] if whole.startswith("-") else whole
    if not (digits.isascii() and digits.isdigit()):
        return _Bad(Message("validate.not-whole-number", N_("not a whole number: %(text)r"), text=text))
    if not BIGINT_RANGE[0] <= int(whole) <= BIGINT_RANGE[1]:
        return _Bad(Message("validate.outside-range-bit",
                            N_("%(text)s is outside the range of a 64-bit whole number"),
                            text=text))
    return int(whole)


_PARSERS = {"text": _parse_text, "int": _parse_number, "bigint": _each(_bigint), "float": _parse_number,
            "bool": _each(_bool),
            "date": _parse_times, "datetime": _parse_times, "ref": _each(_ref), "point": _each(_point)}


def _in_range(geom) -> bool:  # for single values (points given in a field)
    minx, miny, maxx, maxy = geom.bounds
    return -180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90


def _cross_field(spec: LayerSpec, out: dict[str, list], n: int) -> list[RowError]:
    errors = []
    for group in spec.all_or_none:
        cols = [spec.field(name).column for name in group]
        for i in range(n):
            present = [out.get(c, [None] * n)[i] is not None for c in cols]
            if any(present) and not all(present):
                missing = [name for name, p in zip(group, present) if not p]
                errors.append(RowError(i + 1, ", ".join(missing),
                                       Message("validate.go-together-all",
                                               N_("%(group)s go together: give all or none"),
                                               group=', '.join(group))))
    for first, second in spec.ordered:
        a, b = out.get(first), out.get(second)
        if a is None or b is None:
            continue
        for i in range(n):
            if a[i] is not None and b[i] is not None and not a[i] < b[i]:
                errors.append(RowError(i + 1, second, Message("validate.after",
                                                              N_("%(second)s must be after %(first)s"),
                                                              second=second, first=first)))
    return errors


def _unique(spec: LayerSpec, out: dict[str, np.ndarray], existing: MappingType[str, set],
            seen: dict[str, dict], *, offset: int = 0) -> list[RowError]:
    """Rows (numbered in their chunk) whose unique value is stored or came before; ``seen`` holds,
    per field, each value's first row in the file, and grows with this chunk's."""
    errors = []
    for f in spec.fields:
        if not f.unique or f.column not in out:
            continue
        first_row = seen.setdefault(f.name, {})
        stored = existing.get(f.name, set())
        for i, value in enumerate(out[f.column]):
            if value is None:
                continue
            if value in stored:
                errors.append(RowError(i + 1, f.name, Message("validate.already-exists-layer",
                                                              N_("%(value)r already exists in layer %(spec_name)s"),
                                                              value=value, spec_name=spec.name)))
            elif value in first_row:
                errors.append(RowError(i + 1, f.name, Message("validate.repeats-row",
                                                              N_("%(value)r repeats row %(first_row)s"),
                                                              value=value, first_row=first_row[value])))
            else:
                first_row[value] = offset + i + 1
    return errors


@dataclass(frozen=True)
class Extent:
    """A longitude/latitude box (EPSG:4326) the rows of a layer are expected in."""

    minlon: float
    minlat: float
    maxlon: float
    maxlat: float

    @classmethod
    def parse(cls, text: str) -> "Extent":
        """``minlon,minlat,maxlon,maxlat`` as given on the command line."""
        parts = text.replace(";", ",").split(",")
        try:
            values = [float(p) for p in parts]
        except ValueError:
            values = []
        if len(values) != 4 or not all(np.isfinite(values)):
            raise InvalidInput(Message("validate.extent-not-minlon-minlat",
                                       N_("extent %(text)r is not minlon,minlat,maxlon,maxlat (four numbers)"),
                                       text=text))
        extent = cls(*values)
        if not (-180 <= extent.minlon < extent.maxlon <= 180 and -90 <= extent.minlat < extent.maxlat <= 90):
            raise InvalidInput(Message("validate.extent-need-minlon",
                                       N_("extent %(text)r: need -180 <= minlon < maxlon <= 180 and -90 <= minlat "
                                          "< maxlat <= 90"),
                                       text=text))
        return extent

    def grown(self, margin_km: float) -> "Extent":
        """This box grown by ``margin_km`` on every side (kept within the valid range)."""
        dlat = margin_km / 111.32
        dlon = margin_km / (111.32 * max(np.cos(np.radians((self.minlat + self.maxlat) / 2)), 0.01))
        return Extent(max(self.minlon - dlon, -180), max(self.minlat - dlat, -90),
                      min(self.maxlon + dlon, 180), min(self.maxlat + dlat, 90))

    def __str__(self) -> str:
        return f"{self.minlon:.4f},{self.minlat:.4f},{self.maxlon:.4f},{self.maxlat:.4f}"


def outside_extent(geoms: np.ndarray, extent: Extent, *, failed: set[int] = frozenset()) -> list[RowError]:
    """An error for each geometry not inside ``extent``; suggests swapped coordinates when swapping fits.

    Rows in ``failed`` (already refused for their geometry) are skipped.
    """
    if not len(geoms):
        return []
    present = ~(shapely.is_missing(geoms) | shapely.is_empty(geoms))
    bounds = np.full((len(geoms), 4), np.nan)
    bounds[present] = shapely.bounds(geoms[present])

    def inside(minx, miny, maxx, maxy):
        with np.errstate(invalid="ignore"):
            return ((minx >= extent.minlon) & (maxx <= extent.maxlon)
                    & (miny >= extent.minlat) & (maxy <= extent.maxlat))

    fits = inside(*bounds.T)
    swapped = inside(bounds[:, 1], bounds[:, 0], bounds[:, 3], bounds[:, 2])
    errors = []
    for i in np.flatnonzero(present & ~fits):
        if int(i) + 1 in failed:
            continue
        where = dict(minlon=extent.minlon, maxlon=extent.maxlon, minlat=extent.minlat, maxlat=extent.maxlat)
        reason = (Message("validate.outside-extent-swapped",
                          N_("lies outside the layer's area (longitude %(minlon).4f..%(maxlon).4f, latitude "
                             "%(minlat).4f..%(maxlat).4f; --extent sets it); longitude and latitude look swapped"),
                          **where) if swapped[i] else
                  Message("validate.outside-extent",
                          N_("lies outside the layer's area (longitude %(minlon).4f..%(maxlon).4f, latitude "
                             "%(minlat).4f..%(maxlat).4f; --extent sets it)"), **where))
        errors.append(RowError(int(i) + 1, "geometry", reason))
    return errors


def known_keys(columns: MappingType[str, list], key_columns: tuple[str, ...], stored: set[tuple],
               hint: Message | str) -> tuple[list[RowError], set[tuple]]:
    """Rows whose key (the values of ``key_columns``) is stored already: an error each, and those keys.

    Rows of one file may share a key (one incident number, one row per offence); only keys an
    earlier import stored count.
    """
    if not stored or not all(c in columns for c in key_columns):
        return [], set()
    errors, found = [], set()
    for i, key in enumerate(zip(*(columns[c] for c in key_columns))):
        if None not in key and key in stored:
            found.add(key)
            errors.append(RowError(i + 1, key_columns[-1],
                                   Message("validate.stored-already",
                                           N_("%(key)s is stored already (%(hint)s)"),
                                           key=' / '.join(map(str, key)), hint=hint)))
    return errors, found


def check_geometry(frame: gpd.GeoDataFrame, spec: LayerSpec, *,
                   repair: bool = False) -> tuple[np.ndarray, list[RowError]]:
    """Geometries in EPSG:4326, promoted to the layer's type; every unusable one reported.

    The checks run vectorised over all rows; only rows that fail one are looked at one by one.
    With ``repair``, an invalid geometry is made valid (GEOS MakeValid) when the result still fits
    the layer; only what cannot be repaired is reported.
    """
    geoms = frame.geometry.to_crs(STORAGE_CRS).to_numpy() if len(frame) else np.empty(0, dtype=object)
    geoms = np.asarray(geoms, dtype=object)
    accepted = ACCEPTED_TYPES[spec.geometry]
    missing = shapely.is_missing(geoms) | shapely.is_empty(geoms)
    kinds = np.where(missing, "", GEOMETRY_TYPES[np.clip(shapely.get_type_id(geoms), 0, None)])
    fits = np.isin(kinds, list(accepted)) & ~missing
    bounds = shapely.bounds(geoms)
    with np.errstate(invalid="ignore"):
        in_range = (np.isfinite(bounds).all(axis=1) & (bounds[:, 0] >= -180) & (bounds[:, 2] <= 180)
                    & (bounds[:, 1] >= -90) & (bounds[:, 3] <= 90))
    valid = np.zeros(len(geoms), dtype=bool)
    checkable = fits & in_range
    valid[checkable] = shapely.is_valid(geoms[checkable])
    errors: list[RowError] = []
    for i in np.flatnonzero(~(checkable & valid)):
        error = _geometry_problem(geoms, i, missing[i], fits[i], in_range[i], kinds[i], accepted, spec, repair)
        if error:
            errors.append(RowError(int(i) + 1, "geometry", error))
    if shapely.has_z(geoms[~missing]).any():
        geoms[~missing] = shapely.force_2d(geoms[~missing])
    if spec.geometry == "MultiPolygon":
        polygons = np.flatnonzero(shapely.get_type_id(geoms) == 3)  # 3: Polygon (repairs may be multi)
        geoms[polygons] = [shapely.MultiPolygon([g]) for g in geoms[polygons]]
    return geoms, errors


def _geometry_problem(geoms, i, missing, fits, in_range, kind, accepted, spec, repair) -> Message | None:
    """The reason row ``i`` cannot be stored, or None once repaired in place."""
    if missing:
        return Message("validate.geometry-missing", N_("geometry is missing or empty"))
    if not fits:
        return Message("validate.geometry-type", N_("a %(kind)s does not fit layer %(layer)s (expects %(accepted)s)"),
                       kind=kind, layer=spec.name, accepted=" or ".join(sorted(accepted)))
    if not in_range:
        return Message("validate.coordinates-range",
                       N_("coordinates outside the valid range (longitude -180..180, latitude -90..90)"))
    fixed = _repaired(geoms[i], accepted) if repair else None
    if fixed is None:
        if repair:
            return Message("validate.geometry-invalid", N_("invalid geometry: %(why)s"),
                           why=explain_validity(geoms[i]))
        return Message("validate.geometry-invalid-repair",
                       N_("invalid geometry: %(why)s (--repair makes such geometries valid)"),
                       why=explain_validity(geoms[i]))
    geoms[i] = fixed
    return None


def _repaired(geom, accepted: set[str]):
    """The valid form of ``geom`` keeping only parts of its own dimension, or None."""
    fixed = shapely.make_valid(geom)
    if fixed.geom_type == "GeometryCollection":
        parts = [p for p in shapely.get_parts(fixed) if p.geom_type.endswith(geom.geom_type.replace("Multi", ""))]
        fixed = shapely.union_all(parts) if parts else None
    if fixed is None or fixed.is_empty or fixed.geom_type not in accepted:
        return None
    return fixed
