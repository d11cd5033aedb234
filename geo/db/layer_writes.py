"""Writes of the layers: COPY rows in bulk inside the caller's transaction, record imports, clear layers."""
from __future__ import annotations

import re
from datetime import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import psycopg
import shapely
from psycopg import sql
from sqlalchemy import delete
from sqlalchemy.orm import Session

from ..crs import STORAGE_SRID
from .layer_reads import keyed_clauses
from .models import MODELS, ImportBatch

CHUNK_ROWS = 50_000


class RefusedByDatabase(Exception):
    """A constraint of the database refused rows that passed validation."""


# A 2D point as EWKB, little-endian: byte order 1, type 1 with the SRID flag, the SRID, x, y (25 bytes).
_POINT_EWKB = np.dtype([("order", "u1"), ("type", "<u4"), ("srid", "<u4"), ("x", "<f8"), ("y", "<f8")])
_EWKB_POINT_WITH_SRID = 0x20000001


def ewkb_hex(geoms) -> np.ndarray:
    """Hex EWKB (SRID 4326 included) of each geometry, None where missing; vectorised by GEOS, or
    for a column of 2D points only, packed by numpy (as shapely.to_wkb writes them, a test checks)."""
    arr = np.asarray(geoms, dtype=object)
    if len(arr) and (shapely.get_type_id(arr) == 0).all() and not shapely.is_empty(arr).any() \
            and not shapely.has_z(arr).any():
        return _point_ewkb_hex(shapely.get_coordinates(arr))
    return shapely.to_wkb(shapely.set_srid(arr, STORAGE_SRID), hex=True, include_srid=True)


def _point_ewkb_hex(xy: np.ndarray) -> np.ndarray:
    packed = np.empty(len(xy), dtype=_POINT_EWKB)
    packed["order"], packed["type"], packed["srid"] = 1, _EWKB_POINT_WITH_SRID, STORAGE_SRID
    packed["x"], packed["y"] = xy[:, 0], xy[:, 1]
    text, width = packed.tobytes().hex().upper(), 2 * _POINT_EWKB.itemsize
    return np.array([text[i:i + width] for i in range(0, len(text), width)], dtype=object)


_SPECIAL = re.compile('[",\r\n]')  # a CSV field holding one of these is quoted


def csv_fields(values, *, plain: bool = False) -> list[str]:
    """One column as CSV fields for COPY: ``str`` of each value, quoted (``"`` doubled) where it holds
    a quote, comma or line break; missing values (None, NaN) and empty texts as empty fields (NULL).

    ``plain`` values (hex EWKB) need no quoting. The column is searched once, as one string, for
    characters that need quoting; only a column holding some is looked at value by value.
    """
    values = np.asarray(values, dtype=object)
    present = ~pd.isna(values)
    fields = np.full(len(values), "", dtype=object)
    given = values[present]
    if len(given) and isinstance(given[0], datetime) and all(v.tzinfo is not None for v in given):
        fields[present] = _instants(given)
        return fields.tolist()
    texts = [str(v) for v in given]
    if not plain and _SPECIAL.search("".join(texts)):
        texts = [f'"{t.replace(chr(34), chr(34) * 2)}"' if _SPECIAL.search(t) else t for t in texts]
    fields[present] = texts
    return fields.tolist()


def _instants(stamps: np.ndarray) -> np.ndarray:
    """Aware datetimes as ISO 8601 instants in UTC (``...T...Z``, to the microsecond), formatted by
    numpy: ``str`` of an aware datetime costs ten times its ``timestamp()``."""
    seconds = np.fromiter((v.timestamp() for v in stamps), dtype=float, count=len(stamps))
    micros = np.round(seconds * 1e6).astype(np.int64).view("datetime64[us]")
    return np.datetime_as_string(micros, unit="us", timezone="UTC").astype(object)


def csv_block(columns: dict[str, Sequence], geometry_columns: Iterable[str], start: int, stop: int) -> str:
    """Rows ``start:stop`` of ``columns`` as the CSV that ``COPY ... (FORMAT csv)`` reads (see
    :func:`csv_fields`), geometries as hex EWKB; a field list per column, joined row by row."""
    geometry_columns = set(geometry_columns)
    fields = [csv_fields(ewkb_hex(values[start:stop]), plain=True) if name in geometry_columns
              else csv_fields(values[start:stop]) for name, values in columns.items()]
    return "\n".join(map(",".join, zip(*fields))) + "\n" if stop > start else ""


@dataclass(frozen=True)
class CsvCopy:
    """Rows made ready to COPY: the table, its columns and the CSV text, a block per :data:`CHUNK_ROWS`."""

    table: str
    names: tuple[str, ...]
    blocks: Iterable[str]
    counts: tuple[int, ...]


def csv_copy(table: str, columns: dict[str, Sequence], geometry_columns: Iterable[str] = (), *,
             count: int, lazily: bool = False) -> CsvCopy:
    """``count`` rows of ``columns`` as CSV blocks (:func:`csv_block`), built without the database, so
    that a caller may build the next while the database stores the last (:func:`send_copy`);
    ``lazily``, each block is built as it is sent (one block in memory at a time)."""
    geometry_columns = set(geometry_columns)
    starts = range(0, count, CHUNK_ROWS)
    blocks = (csv_block(columns, geometry_columns, s, min(s + CHUNK_ROWS, count)) for s in starts)
    return CsvCopy(table, tuple(columns), blocks if lazily else tuple(blocks),
                   tuple(min(CHUNK_ROWS, count - s) for s in starts))


def send_copy(session: Session, rows: CsvCopy, *, on_progress: Callable[[int], None] | None = None) -> int:
    """Run one ``COPY ... FROM STDIN (FORMAT csv)`` of ``rows`` on the session's own connection, so
    the rows commit or roll back with the caller; how many rows."""
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(rows.table), sql.SQL(", ").join(sql.Identifier(n) for n in rows.names))
    raw = session.connection().connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for block, n in zip(rows.blocks, rows.counts):
                copy.write(block)
                if on_progress:
                    on_progress(n)
    except (psycopg.errors.IntegrityError, psycopg.errors.DataException) as exc:
        where = f" at {exc.diag.context.strip()}" if exc.diag.context else ""
        raise RefusedByDatabase(f"{exc.diag.message_primary}{where}") from exc
    return sum(rows.counts)


def copy_rows(session: Session, table: str, columns: dict[str, Sequence], geometry_columns: Iterable[str] = (),
              *, count: int, on_progress: Callable[[int], None] | None = None) -> int:
    """COPY ``count`` rows into ``table``; geometry columns hold shapely objects (EPSG:4326).

    One COPY in CSV form (:func:`csv_copy`, :func:`send_copy`) in the caller's transaction.
    """
    return send_copy(session, csv_copy(table, columns, geometry_columns, count=count, lazily=True),
                     on_progress=on_progress)


def record_import(session: Session, *, layer: str, source_name: str, source_crs: str | None,
                  row_count: int, sha256: str | None = None) -> ImportBatch:
    batch = ImportBatch(layer=layer, source_name=source_name, source_crs=source_crs, row_count=row_count,
                        sha256=sha256)
    session.add(batch)
    session.flush()
    return batch


def delete_keyed(session: Session, table: str, key_columns: Sequence[str], keys: Iterable[tuple], *,
                 besides_import: int | None = None) -> int:
    """DELETE the rows of ``table`` whose ``key_columns`` hold one of ``keys`` (an import's update),
    except those of import ``besides_import`` (the one storing them)."""
    model = MODELS[table]
    clauses = keyed_clauses([getattr(model, c) for c in key_columns], keys)
    others = [model.import_id.is_distinct_from(besides_import)] if besides_import is not None else []
    return sum(session.execute(delete(model).where(clause, *others)).rowcount for clause in clauses)


def clear_layers(session: Session, tables: Sequence[str]) -> dict[str, int]:
    """DELETE every row of the given layer tables, in the order given (referencing tables first).

    Import records (``import_batch``) are kept: they log what was once imported.
    """
    deleted: dict[str, int] = {}
    for table in tables:
        deleted[table] = session.execute(delete(MODELS[table])).rowcount
    return deleted
