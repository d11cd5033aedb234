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
from .readers import Source
from .times import TimeOptions, read_times

ACCEPTED_TYPES = {
    "Point": {"Point"},
    "LineString": {"LineString", "MultiLineString"},  # a multi-line is stored part by part
    "Polygon": {"Polygon"},
    "MultiPolygon": {"Polygon", "MultiPolygon"},
    "Geometry": {"Point", "MultiPoint", "LineString", "MultiLineString", "Polygon", "MultiPolygon"},
}
# An "int" field is stored in a PostgreSQL integer column, a "bigint" one (OSM ids) in a bigint.
INT_RANGE = (INT_MIN, INT_MAX)
BIGINT_RANGE = (-2**63, 2**63 - 1)


@dataclass
class Prepared:
    """Rows ready to store: typed columns and geometries (EPSG:4326) in file order, and report lines
    on how the values were read (``notes``: rows per date format, DST overlaps and gaps)."""

    columns: dict[str, list]
    geometry: np.ndarray
    count: int
    notes: list[str] = field(default_factory=list)

    def subset(self, keep: np.ndarray) -> "Prepared":
        """Only the rows where ``keep`` (a boolean mask) is true, in file order."""
        columns = {name: [v for v, k in zip(values, keep) if k] for name, values in self.columns.items()}
        return Prepared(columns, self.geometry[keep], int(keep.sum()), self.notes)


def timezone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise InvalidInput(f"unknown time zone {name!r} (use an IANA name such as Asia/Almaty)") from exc


def validate(source: Source, spec: LayerSpec, columns: MappingType[str, str],
             constants: MappingType[str, str], *, tz: ZoneInfo,
             refs: MappingType[str, MappingType[str, int]] | None = None,
             repair: bool = False,
             existing: MappingType[str, set] | None = None,
             extent: Extent | None = None,
             times: TimeOptions = TimeOptions()) -> tuple[Prepared, list[RowError]]:
    """Validate all rows; return the prepared rows and every error found (sorted by row).

    ``existing`` holds, per unique field, the values already stored; ``extent`` is the layer's
    plausible area (lon/lat bounds): a geometry not inside it is refused. ``times`` says how dates
    and times are read (geo.ingest.times). A row repeating a unique value of an earlier row is an
    error even when that earlier row has other errors: which of the two is meant is the user's call.
    """
    n = len(source.frame)
    errors = list(source.errors)
    out: dict[str, list] = {}
    notes: list[str] = []
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
                                       notes=notes)
        errors += field_errors
        out[f.column] = values
    errors += _cross_field(spec, out, n)
    errors += _unique(spec, out, existing or {})
    geometry, geom_errors = check_geometry(source.frame, spec, repair=repair)
    errors += geom_errors
    if extent is not None:
        errors += outside_extent(geometry, extent, failed={e.row for e in geom_errors})
    errors.sort(key=lambda e: (e.row, e.field))
    return Prepared(out, geometry, n, notes), errors


def _texts(raw: pd.Series) -> list[str | None]:
    cleaned = []
    for v in raw.tolist():
        if v is None or (isinstance(v, float) and np.isnan(v)):
            cleaned.append(None)
            continue
        s = str(v).strip()
        cleaned.append(s or None)
    return cleaned


def convert(raw: pd.Series, f: Field, *, label: str, tz: ZoneInfo,
            refs: MappingType[str, int] | None = None, times: TimeOptions = TimeOptions(),
            notes: list[str] | None = None) -> tuple[list, list[RowError]]:
    """One column converted to the field's type, with an error for each bad value; report lines on
    how its values were read are added to ``notes``."""
    texts = _texts(raw)
    errors: list[RowError] = []
    values: list = [None] * len(texts)
    parse = _PARSERS[f.type]
    parsed = parse(texts, tz=tz, refs=refs, f=f, times=times, notes=notes, label=label)
    for i, (text, value) in enumerate(zip(texts, parsed)):
        row = i + 1
        if text is None:
            if f.required:
                errors.append(RowError(row, label, "required value is missing"))
            continue
        if isinstance(value, _Bad):
            errors.append(RowError(row, label, value.reason))
            continue
        if f.choices is not None:
            canonical = {c.lower(): c for c in f.choices}.get(str(value).lower())
            if canonical is None:
                errors.append(RowError(row, label, f"{text!r} is not one of: {', '.join(f.choices)}"))
                continue
            value = canonical
        if f.minimum is not None and value < f.minimum:
            errors.append(RowError(row, label, f"{value} is below the minimum {f.minimum:g}"))
            continue
        if f.above is not None and value <= f.above:
            errors.append(RowError(row, label, f"{value:g} is not above {f.above:g}"))
            continue
        values[i] = value
    return values, errors


class _Bad:
    __slots__ = ("reason",)

    def __init__(self, reason: str):
        self.reason = reason


def _parse_text(texts, **_):
    return texts


def _parse_number(texts, *, f, **_):
    numbers = pd.to_numeric(pd.Series([t.replace(",", ".") if t else t for t in texts], dtype=object),
                            errors="coerce")
    out = []
    for text, number in zip(texts, numbers):
        if text is None:
            out.append(None)
        elif pd.isna(number) or not np.isfinite(number):
            out.append(_Bad(f"not a number: {text!r}"))
        elif f.type == "bigint":  # read from the text: a float cannot hold every 64-bit id
            whole = text.strip().lstrip("+")
            if not (whole.lstrip("-").isascii() and whole.lstrip("-").isdigit()):
                out.append(_Bad(f"not a whole number: {text!r}"))
            elif not BIGINT_RANGE[0] <= int(whole) <= BIGINT_RANGE[1]:
                out.append(_Bad(f"{text} is outside the range of a 64-bit whole number"))
            else:
                out.append(int(whole))
        elif f.type == "int":
            if not float(number).is_integer():
                out.append(_Bad(f"not a whole number: {text!r}"))
            elif not INT_RANGE[0] <= int(number) <= INT_RANGE[1]:
                out.append(_Bad(f"{text} is outside the range of a whole number ({INT_RANGE[0]:,} to "
                                f"{INT_RANGE[1]:,})"))
            else:
                out.append(int(number))
        else:
            out.append(float(number))
    return out


BOOLEANS = {"yes": True, "y": True, "true": True, "t": True, "1": True,
            "no": False, "n": False, "false": False, "f": False, "0": False}


def _parse_bool(texts, **_):
    out = []
    for text in texts:
        key = None if text is None else {"1.0": "1", "0.0": "0"}.get(text.lower(), text.lower())
        if key is None:
            out.append(None)
        elif key in BOOLEANS:
            out.append(BOOLEANS[key])
        elif key == "-1":  # OSM's oneway=-1: one way against the line's drawn direction
            out.append(_Bad("-1 (against the drawn direction) is not read: reverse the line and give yes"))
        else:
            out.append(_Bad(f"not yes or no: {text!r} (give yes/no, true/false or 1/0)"))
    return out


def _parse_times(texts, *, tz, f, times: TimeOptions, notes: list[str] | None, label: str, **_):
    """See geo.ingest.times: the given formats, strict ISO 8601, then dotted day-first dates."""
    values, reading = read_times(texts, kind=f.type, tz=tz, options=times)
    if notes is not None:
        notes += reading.notes(label, tz=tz, ambiguous=times.ambiguous)
    for i, reason in reading.problems.items():
        values[i] = _Bad(reason)
    return values


def _parse_ref(texts, *, refs, f, **_):
    refs = refs or {}
    out = []
    for text in texts:
        if text is None:
            out.append(None)
        elif text in refs:
            out.append(refs[text])
        else:
            out.append(_Bad(f"no {f.ref} named or numbered {text!r}"))
    return out


def _parse_point(texts, **_):
    out = []
    for text in texts:
        if text is None:
            out.append(None)
            continue
        try:
            parts = text.replace(",", " ").split()
            geom = (shapely.points(float(parts[0]), float(parts[1])) if len(parts) == 2
                    else shapely.from_wkt(text))
        except (ValueError, shapely.errors.GEOSException):
            out.append(_Bad(f"not a point (give 'lon lat' or WKT): {text!r}"))
            continue
        if geom.geom_type != "Point" or geom.is_empty or not _in_range(geom):
            out.append(_Bad(f"not a longitude/latitude point: {text!r}"))
        else:
            out.append(geom)
    return out


_PARSERS = {"text": _parse_text, "int": _parse_number, "bigint": _parse_number, "float": _parse_number, "bool": _parse_bool,
            "date": _parse_times, "datetime": _parse_times, "ref": _parse_ref, "point": _parse_point}


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
                                       f"{', '.join(group)} go together: give all or none"))
    for first, second in spec.ordered:
        a, b = out.get(first), out.get(second)
        if a is None or b is None:
            continue
        for i in range(n):
            if a[i] is not None and b[i] is not None and not a[i] < b[i]:
                errors.append(RowError(i + 1, second, f"{second} must be after {first}"))
    return errors


def _unique(spec: LayerSpec, out: dict[str, list], existing: MappingType[str, set]) -> list[RowError]:
    errors = []
    for f in spec.fields:
        if not f.unique or f.column not in out:
            continue
        first_row: dict = {}
        stored = existing.get(f.name, set())
        for i, value in enumerate(out[f.column]):
            if value is None:
                continue
            if value in stored:
                errors.append(RowError(i + 1, f.name, f"{value!r} already exists in layer {spec.name}"))
            elif value in first_row:
                errors.append(RowError(i + 1, f.name, f"{value!r} repeats row {first_row[value]}"))
            else:
                first_row[value] = i + 1
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
            raise InvalidInput(f"extent {text!r} is not minlon,minlat,maxlon,maxlat (four numbers)")
        extent = cls(*values)
        if not (-180 <= extent.minlon < extent.maxlon <= 180 and -90 <= extent.minlat < extent.maxlat <= 90):
            raise InvalidInput(f"extent {text!r}: need -180 <= minlon < maxlon <= 180 and "
                               "-90 <= minlat < maxlat <= 90")
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
        reason = (f"lies outside the layer's area (longitude {extent.minlon:.4f}..{extent.maxlon:.4f}, "
                  f"latitude {extent.minlat:.4f}..{extent.maxlat:.4f}; --extent sets it)")
        if swapped[i]:
            reason += "; longitude and latitude look swapped"
        errors.append(RowError(int(i) + 1, "geometry", reason))
    return errors


def known_keys(columns: MappingType[str, list], key_columns: tuple[str, ...], stored: set[tuple],
               hint: str) -> tuple[list[RowError], set[tuple]]:
    """Rows whose key (the values of ``key_columns``) is stored already: an error each, and those keys.

    Rows of one file may share a key (one incident number, one row per offence); only keys an
    earlier import stored count.
    """
    if not all(c in columns for c in key_columns):
        return [], set()
    errors, found = [], set()
    for i, key in enumerate(zip(*(columns[c] for c in key_columns))):
        if None not in key and key in stored:
            found.add(key)
            errors.append(RowError(i + 1, key_columns[-1],
                                   f"{' / '.join(map(str, key))} is stored already ({hint})"))
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
    kinds = np.array([g.geom_type if not m else "" for g, m in zip(geoms, missing)], dtype=object)
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


def _geometry_problem(geoms, i, missing, fits, in_range, kind, accepted, spec, repair) -> str | None:
    """The reason row ``i`` cannot be stored, or None once repaired in place."""
    if missing:
        return "geometry is missing or empty"
    if not fits:
        return f"a {kind} does not fit layer {spec.name} (expects {' or '.join(sorted(accepted))})"
    if not in_range:
        return "coordinates outside the valid range (longitude -180..180, latitude -90..90)"
    fixed = _repaired(geoms[i], accepted) if repair else None
    if fixed is None:
        hint = "" if repair else " (--repair makes such geometries valid)"
        return f"invalid geometry: {explain_validity(geoms[i])}{hint}"
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
