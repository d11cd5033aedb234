"""Writes of the layers: COPY rows in bulk inside the caller's transaction, record imports, clear layers."""
from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

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


def ewkb_hex(geoms) -> np.ndarray:
    """Hex EWKB (SRID 4326 included) of each geometry, None where missing; vectorised by GEOS."""
    arr = shapely.set_srid(np.asarray(geoms, dtype=object), STORAGE_SRID)
    return shapely.to_wkb(arr, hex=True, include_srid=True)


def csv_block(columns: dict[str, Sequence], geometry_columns: Iterable[str], start: int, stop: int) -> str:
    """Rows ``start:stop`` of ``columns`` as the CSV that ``COPY ... (FORMAT csv)`` reads: built by
    pandas per column (no Python loop per row), geometries as hex EWKB, missing values (None, NaN)
    and empty texts as empty fields, i.e. NULL."""
    geometry_columns = set(geometry_columns)
    block = pd.DataFrame({name: (ewkb_hex(values[start:stop]) if name in geometry_columns
                                 else pd.Series(values[start:stop], dtype=object))
                          for name, values in columns.items()})
    return block.to_csv(index=False, header=False, lineterminator="\n")


def copy_rows(session: Session, table: str, columns: dict[str, Sequence], geometry_columns: Iterable[str] = (),
              *, count: int, on_progress: Callable[[int], None] | None = None) -> int:
    """COPY ``count`` rows into ``table``; geometry columns hold shapely objects (EPSG:4326).

    One COPY in CSV form, sent a block of :data:`CHUNK_ROWS` rows at a time (see :func:`csv_block`).
    Runs on the session's own connection, so the rows commit or roll back with the caller.
    """
    names = list(columns)
    geometry_columns = set(geometry_columns)
    statement = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv)").format(
        sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(n) for n in names))
    raw = session.connection().connection.driver_connection
    try:
        with raw.cursor() as cursor, cursor.copy(statement) as copy:
            for start in range(0, count, CHUNK_ROWS):
                stop = min(start + CHUNK_ROWS, count)
                copy.write(csv_block(columns, geometry_columns, start, stop))
                if on_progress:
                    on_progress(stop - start)
    except (psycopg.errors.IntegrityError, psycopg.errors.DataException) as exc:
        where = f" at {exc.diag.context.strip()}" if exc.diag.context else ""
        raise RefusedByDatabase(f"{exc.diag.message_primary}{where}") from exc
    return count


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
