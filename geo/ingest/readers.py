"""Read GeoJSON, GeoPackage, Shapefile (plain or zipped) and CSV into a GeoDataFrame.

CSV geometry comes from lon/lat columns or a WKT column; rows whose geometry cannot be parsed keep
an empty geometry and a :class:`RowError`, so validation can report every bad row at once.
"""
from __future__ import annotations

import hashlib
import codecs
import itertools
import re
import struct
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pyogrio
import shapely
from pyproj import CRS
from pyproj.exceptions import CRSError

from ..crs import STORAGE_CRS
from ..errors import InvalidInput, RowError
from ..messages import N_, Message

VECTOR_SUFFIXES = {".geojson", ".json", ".gpkg", ".shp", ".zip", ".fgb"}
LON_NAMES = ("lon", "lng", "long", "longitude", "x")
LAT_NAMES = ("lat", "latitude", "y")
WKT_NAMES = ("wkt", "geometry", "geom", "the_geom")
DELIMITERS = (",", ";", "\t", "|")
CYRILLIC = re.compile("[\u0400-\u04ff]")


@dataclass
class Source:
    """A file read into memory: its rows (in file order), CRS, and rows already found bad.

    ``raw`` is a CSV's table as read (every column, as text, the geometry columns too), which the
    rejected-rows file repeats; None for other sources, whose frame is what was read. A chunk of a
    file (:func:`read_chunks`) numbers its rows and errors from 1; ``offset`` rows come before it.
    """

    name: str
    frame: gpd.GeoDataFrame
    crs: CRS
    errors: list[RowError] = field(default_factory=list)
    raw: pd.DataFrame | None = None
    offset: int = 0  # rows of the file before these (a chunk of a file read in parts)


@dataclass(frozen=True)
class CsvGeometry:
    """Which CSV columns hold the geometry; None means: find them by their usual names."""

    lon: str | None = None
    lat: str | None = None
    wkt: str | None = None


def read_source(path: str | Path, *, srid: int | None = None, sublayer: str | None = None,
                csv: CsvGeometry = CsvGeometry(), encoding: str | None = None,
                delimiter: str | None = None) -> Source:
    """Read a layer file; ``srid`` is used when the file declares no CRS.

    A file whose declared CRS differs from a given ``srid`` is refused, since one of the two is wrong.
    A CSV's ``delimiter`` and ``encoding`` are detected when not given (``;`` and CP1251, as Excel
    writes them here, included); a shapefile whose .shp and .dbf disagree on the record count is refused.
    """
    return next(read_chunks(path, chunk_rows=None, srid=srid, sublayer=sublayer, csv=csv, encoding=encoding,
                            delimiter=delimiter))


def read_chunks(path: str | Path, *, chunk_rows: int | None, srid: int | None = None, sublayer: str | None = None,
                csv: CsvGeometry = CsvGeometry(), encoding: str | None = None,
                delimiter: str | None = None) -> Iterator[Source]:
    """Read a layer file ``chunk_rows`` rows at a time (all at once when None), as :func:`read_source`
    reads it whole; each chunk's ``offset`` is the rows before it, its errors number its own rows.

    A CSV is read by pandas (``chunksize``), other files by pyogrio (``skip_features``/``max_features``),
    so only one chunk of a file is held at a time; the first chunk is shorter (:func:`first_chunk`).
    It is read (and the file's problems raised) when the iterator is made; a file of no rows gives
    one empty chunk.
    """
    path = Path(path)
    if not path.exists():
        raise InvalidInput(Message("readers.file-not-found", N_("file not found: %(path)s"), path=path))
    suffix = path.suffix.lower()
    if delimiter is not None and suffix != ".csv":
        raise InvalidInput(Message("readers.delimiter-applies-csv",
                                   N_("--delimiter applies to CSV files only, not to %(path_name)s"),
                                   path_name=path.name))
    if suffix == ".csv":
        parts = _csv_chunks(path, csv, encoding, delimiter, chunk_rows)
    elif suffix in VECTOR_SUFFIXES:
        if suffix in (".shp", ".zip"):
            check_shapefile_counts(path)
        parts = ((frame, [], frame.crs, None) for frame in _vector_chunks(path, sublayer, encoding, chunk_rows))
    else:
        raise InvalidInput(Message("readers.unsupported-file-type",
                                   N_("unsupported file type %(suffix)r: use GeoJSON, GeoPackage, Shapefile (.shp "
                                      "or .zip), FlatGeobuf or CSV"),
                                   suffix=suffix))
    first = next(parts)
    crs = _resolve_crs(first[2], srid, path.name)
    return _sources(path.name, crs, itertools.chain([first], parts))


def first_chunk(chunk_rows: int) -> int:
    """The size of a file's first chunk: a fifth of the others. Validating it is the one piece of an
    import's work that no COPY runs beside (geo.services.layers.imports), so it is kept short."""
    return max(1, chunk_rows // 5)


def _sources(name: str, crs: CRS, parts) -> Iterator[Source]:
    offset = 0
    for frame, errors, _, raw in parts:
        frame = frame.set_crs(crs, allow_override=True).reset_index(drop=True)
        yield Source(name=name, frame=frame, crs=crs, errors=errors,
                     raw=None if raw is None else raw.reset_index(drop=True), offset=offset)
        offset += len(frame)


def _resolve_crs(declared: CRS | None, srid: int | None, name: str) -> CRS:
    given = None
    if srid is not None:
        try:
            given = CRS.from_epsg(int(srid))
        except (CRSError, ValueError) as exc:
            raise InvalidInput(Message("readers.epsg-not-known-coordinate",
                                       N_("EPSG:%(srid)s is not a known coordinate reference system"),
                                       srid=srid)) from exc
    if declared is None and given is None:
        raise InvalidInput(Message("readers.declares-no-coordinate-reference",
                                   N_("%(name)s declares no coordinate reference system: give its EPSG code "
                                      "(--srid 4326 for longitude/latitude)"),
                                   name=name))
    if declared is not None and given is not None and not CRS(declared).equals(given):
        raise InvalidInput(Message("readers.declares-but-epsg",
                                   N_("%(name)s declares %(to_string)s but EPSG:%(srid)s was given; drop --srid or "
                                      "fix the file"),
                                   name=name, to_string=CRS(declared).to_string(), srid=srid))
    return CRS(declared) if declared is not None else given


def _vector_chunks(path: Path, sublayer: str | None, encoding: str | None,
                   chunk_rows: int | None) -> Iterator[gpd.GeoDataFrame]:
    """The features of a vector file, ``chunk_rows`` at a time (pyogrio skips to each chunk)."""
    try:
        layers = pyogrio.list_layers(path)
        if sublayer is None and len(layers) > 1:
            names = ", ".join(str(n) for n in layers[:, 0])
            raise InvalidInput(Message("readers.holds-several-layers",
                                       N_("%(path_name)s holds several layers (%(names)s): choose one with "
                                          "--sublayer"),
                                       path_name=path.name, names=names))
        kwargs = {"encoding": encoding} if encoding else {}
        total = (pyogrio.read_info(path, layer=sublayer, force_feature_count=True, **kwargs)["features"]
                 if chunk_rows else -1)
        if total < 0 or total <= chunk_rows:
            yield pyogrio.read_dataframe(path, layer=sublayer, **kwargs)
            return
        start, size = 0, first_chunk(chunk_rows)
        while start < total:
            yield pyogrio.read_dataframe(path, layer=sublayer, skip_features=start, max_features=size, **kwargs)
            start, size = start + size, chunk_rows
    except InvalidInput:
        raise
    except Exception as exc:  # GDAL reports unreadable files with its own exception types
        raise InvalidInput(Message("readers.cannot-read",
                                   N_("cannot read %(path_name)s: %(exc)s"),
                                   path_name=path.name, exc=exc)) from exc


def _shp_records(data: bytes) -> int:
    """Records of a .shp: its 100-byte header, then per record an 8-byte header and the content."""
    count, at = 0, 100
    while at + 8 <= len(data):
        (words,) = struct.unpack(">i", data[at + 4:at + 8])
        at += 8 + 2 * words
        count += 1
    return count


def _dbf_records(data: bytes) -> int:
    """The record count a .dbf header declares (bytes 4..7, little-endian)."""
    return struct.unpack("<I", data[4:8])[0]


def _shapefile_parts(path: Path) -> list[tuple[str, dict[str, bytes]]]:
    """(name, {suffix: bytes}) of each shapefile in a .shp's folder or in a .zip (.shp/.shx/.dbf)."""
    wanted = (".shp", ".shx", ".dbf")
    if path.suffix.lower() == ".shp":
        siblings = {s: p for s in wanted for p in [_sibling(path, s)] if p is not None}
        # the .dbf's header and the .shx (8 bytes a record) tell the counts; the .shp is walked without one
        parts = {s: (p.read_bytes() if s == ".shx" or ".shx" not in siblings else p.open("rb").read(100))
                 for s, p in siblings.items()}
        return [(path.name, parts)]
    try:
        with zipfile.ZipFile(path) as zf:
            members = {}
            for name in zf.namelist():
                stem, suffix = name[:-4], name[-4:].lower()
                if suffix in wanted:
                    members.setdefault(stem, {})[suffix] = zf.read(name)
    except (zipfile.BadZipFile, OSError):
        return []  # reading reports the unreadable archive
    return [(f"{path.name}:{stem}.shp", parts) for stem, parts in members.items() if ".shp" in parts]


SHAPEFILE_PARTS = (".shx", ".dbf", ".prj", ".cpg")  # beside the .shp: they hold its attributes


def file_checksum(path: Path) -> str:
    """SHA-256 of a file, with a shapefile's companion parts (found as ``read_source`` finds them)."""
    digest = hashlib.sha256()
    parts = [path] + ([_sibling(path, s) for s in SHAPEFILE_PARTS] if path.suffix.lower() == ".shp" else [])
    for part in parts:
        if part is not None and part.exists():
            with part.open("rb") as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    digest.update(block)
    return digest.hexdigest()


def _sibling(path: Path, suffix: str) -> Path | None:
    for candidate in (path.with_suffix(suffix), path.with_suffix(suffix.upper())):
        if candidate.exists():
            return candidate
    return None


def check_shapefile_counts(path: Path) -> None:
    """Refuse a shapefile whose .shp (or .shx) and .dbf hold different numbers of records.

    GDAL reads such a file without complaint, pairing geometries and attributes as far as they go.
    """
    for name, parts in _shapefile_parts(path):
        if ".dbf" not in parts or len(parts[".dbf"]) < 32 or len(parts[".shp"]) < 100:
            continue
        shapes = ((len(parts[".shx"]) - 100) // 8 if ".shx" in parts and len(parts[".shx"]) >= 100
                  else _shp_records(parts[".shp"]))
        records = _dbf_records(parts[".dbf"])
        if shapes != records:
            raise InvalidInput(Message("readers.shp-holds-shapes",
                                       N_("%(name)s: the .shp holds %(shapes)s shapes but the .dbf %(records)s "
                                          "records; the parts of this shapefile do not belong together, nothing "
                                          "was stored"),
                                       name=name, shapes=shapes, records=records))


BLOCK_BYTES = 1 << 20


def _undecodable_at(path: Path, codec: str) -> int | None:
    """The offset of the first byte of ``path`` that ``codec`` cannot decode, or None; read by blocks."""
    decoder = codecs.getincrementaldecoder(codec)()
    at = 0
    with path.open("rb") as f:
        for block in iter(lambda: f.read(BLOCK_BYTES), b""):
            try:
                decoder.decode(block)
            except UnicodeDecodeError as exc:
                return at + exc.start
            at += len(block)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        return at + exc.start - len(exc.object)
    return None


def _has_cyrillic(path: Path, codec: str) -> bool:
    with path.open(encoding=codec) as f:
        return any(CYRILLIC.search(block) for block in iter(lambda: f.read(BLOCK_BYTES), ""))


def _encoding(path: Path, encoding: str | None) -> str:
    """The encoding of a CSV: ``encoding``, else UTF-8, else CP1251 when that gives Cyrillic text.

    The whole file is checked, a block at a time, so a bad byte anywhere is reported before reading.
    """
    if encoding:
        try:
            codecs.lookup(encoding)
        except LookupError as exc:
            raise InvalidInput(Message("readers.unknown-encoding-utf",
                                       N_("unknown encoding %(encoding)r (e.g. utf-8, cp1251)"),
                                       encoding=encoding)) from exc
        bad = _undecodable_at(path, encoding)
        if bad is not None:
            raise InvalidInput(Message("readers.not-valid-byte-encoding",
                                       N_("%(path_name)s is not valid %(encoding)s (byte %(bad)s): give its "
                                          "encoding with --encoding"),
                                       path_name=path.name, encoding=encoding, bad=bad))
        return encoding
    bad = _undecodable_at(path, "utf-8-sig")
    if bad is None:
        return "utf-8-sig"
    if _undecodable_at(path, "cp1251") is None and _has_cyrillic(path, "cp1251"):
        return "cp1251"
    raise InvalidInput(Message("readers.not-utf-byte-encoding",
                               N_("%(path_name)s is not UTF-8 (byte %(bad)s): give its encoding with --encoding "
                                  "(e.g. cp1251, latin-1)"),
                               path_name=path.name, bad=bad))


def sniff_delimiter(text: str) -> str:
    """The delimiter of a CSV: the candidate its header line holds most often (``,`` if none)."""
    header = text.split("\n", 1)[0]
    counts = {d: header.count(d) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def _csv_chunks(path: Path, geometry: CsvGeometry, encoding: str | None, delimiter: str | None,
                chunk_rows: int | None):
    """Per chunk of a CSV: rows, parse errors, the CRS the columns imply (lon/lat names imply WGS 84),
    and the table as read."""
    codec = _encoding(path, encoding)
    if delimiter is not None and len(delimiter.replace("\\t", "\t")) != 1:
        raise InvalidInput(Message("readers.delimiter-one-character",
                                   N_("a delimiter is one character, not %(delimiter)r"),
                                   delimiter=delimiter))
    with path.open(encoding=codec, newline="") as f:
        header = f.readline()
    sep = delimiter.replace("\\t", "\t") if delimiter else sniff_delimiter(header)
    for table in _csv_tables(path, codec, sep, chunk_rows):
        yield _csv_part(table, geometry, path.name)


def _csv_tables(path: Path, codec: str, sep: str, chunk_rows: int | None) -> Iterator[pd.DataFrame]:
    try:
        read = pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, encoding=codec,
                           chunksize=chunk_rows)
        if chunk_rows is None:
            yield read
            return
        with read as reader:
            empty, size = True, first_chunk(chunk_rows)
            while True:
                try:
                    table = reader.get_chunk(size)
                except StopIteration:
                    break
                empty, size = False, chunk_rows
                yield table
            if empty:  # a header and no rows: one empty chunk, so the columns are still known
                yield pd.read_csv(path, dtype=str, keep_default_na=False, sep=sep, encoding=codec, nrows=0)
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as exc:
        raise InvalidInput(Message("readers.cannot-read-csv",
                                   N_("cannot read %(path_name)s as CSV: %(exc)s"),
                                   path_name=path.name, exc=exc)) from exc


def _csv_part(table: pd.DataFrame, geometry: CsvGeometry, name: str):
    raw = table
    wkt = geometry.wkt or (None if (geometry.lon or geometry.lat) else _find(table, WKT_NAMES))
    if wkt:
        if wkt not in table:
            raise InvalidInput(Message("readers.has-no-column-wkt",
                                       N_("%(name)s has no column %(wkt)r for WKT geometry"),
                                       name=name, wkt=wkt))
        geoms, errors = _parse_wkt(table[wkt], wkt)
        table = table.drop(columns=[wkt])
        declared = None
    else:
        lon, lat = geometry.lon or _find(table, LON_NAMES), geometry.lat or _find(table, LAT_NAMES)
        if not lon or not lat or lon not in table or lat not in table:
            raise InvalidInput(Message("readers.no-geometry-columns-found",
                                       N_("%(name)s: no geometry columns found; name them with --lon/--lat or "
                                          "--wkt (columns are: %(columns)s)"),
                                       name=name, columns=', '.join(table.columns)))
        geoms, errors = _parse_lonlat(table[lon], table[lat], lon, lat)
        table = table.drop(columns=[lon, lat])
        named_lonlat = lon.lower() in LON_NAMES[:4] and lat.lower() in LAT_NAMES[:2]
        declared = STORAGE_CRS if named_lonlat else None
    return gpd.GeoDataFrame(table.reset_index(drop=True), geometry=geoms), errors, declared, raw


def _find(table: pd.DataFrame, names: tuple[str, ...]) -> str | None:
    lower = {c.lower().strip(): c for c in table.columns}
    return next((lower[n] for n in names if n in lower), None)


def _parse_lonlat(lon: pd.Series, lat: pd.Series, lon_name: str, lat_name: str):
    errors: list[RowError] = []
    x, y = _coordinates(lon), _coordinates(lat)
    for values, raw, name in ((x, lon, lon_name), (y, lat, lat_name)):
        for i in np.flatnonzero(np.isnan(values)):
            reason = (Message("readers.missing-coordinate", N_("missing coordinate")) if not raw.iloc[i].strip()
                      else Message("readers.not-number", N_("not a number: %(text)r"), text=raw.iloc[i]))
            errors.append(RowError(int(i) + 1, name, reason))
    ok = ~(np.isnan(x) | np.isnan(y))
    geoms = np.full(len(x), None, dtype=object)
    geoms[ok] = shapely.points(x[ok], y[ok])
    return gpd.GeoSeries(geoms), errors


def _coordinates(text: pd.Series) -> np.ndarray:
    """Numbers of a coordinate column, NaN where none; only values that do not read as they are
    (padded, or with a decimal comma) are stripped and read again."""
    values = pd.to_numeric(text, errors="coerce").to_numpy(dtype=float, na_value=np.nan, copy=True)
    again = np.flatnonzero(np.isnan(values))
    if len(again):
        fixed = text.iloc[again].str.strip().str.replace(",", ".", regex=False)
        values[again] = pd.to_numeric(fixed, errors="coerce").to_numpy(dtype=float, na_value=np.nan)
    return values


def _parse_wkt(text: pd.Series, name: str):
    errors: list[RowError] = []
    geoms = np.full(len(text), None, dtype=object)
    for i, value in enumerate(text):
        value = value.strip()
        if not value:
            continue  # an empty geometry is reported by validation
        try:
            geoms[i] = shapely.from_wkt(value)
        except shapely.errors.GEOSException as exc:
            errors.append(RowError(i + 1, name, Message("readers.not-valid-wkt",
                                                        N_("not valid WKT: %(exc)s"), exc=exc)))
    return gpd.GeoSeries(geoms), errors
