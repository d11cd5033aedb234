"""Layers: import files and frames; every row is validated, then all are stored or none.

A file is read, validated and COPYed a chunk at a time (``ImportSettings.chunk_rows``), inside one
SAVEPOINT; the checks that span the file (unique values, stored keys, the report's notes) carry
over from chunk to chunk, so the result is the one of the whole file read at once.

With ``skip_invalid``, the valid rows are stored and every rejected row is written, with its
reasons, to a CSV (geo.ingest.report); a file of nothing but invalid rows still stores nothing.
Importing is for admins and is written to the audit log.
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from ...access import Principal, require
from ...db import layer_reads, layer_writes
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import InvalidInput, NotFound, RowError
from ...ingest.mapping import Mapping, resolve_columns
from ...ingest.readers import CsvGeometry, Source, file_checksum, read_chunks
from ...ingest.report import rejected_rows, write_rejected
from ...ingest.times import DEFAULT_AMBIGUOUS, TimeOptions
from ...ingest.validate import Extent, Prepared, known_keys, timezone, validate
from ...layers import IMPORTABLE, STREETS, LayerSpec
from ...messages import N_, Message
from ...progress import ProgressFactory, silent
from ...settings import ImportSettings
from ..accountability.audit import record
from . import area_sets, streets
from .features import layer_spec


# What an import does with rows whose (source, external_id) an earlier import stored.
ON_DUPLICATE = ("refuse", "update")
# The key of a row from a source: the same external id from the same source is the same record.
KEY_FIELDS = ("source", "external_id")
# Layers whose rows remember the import that stored them (``import_id``).
IMPORT_TRACKED = ("incident", "analysis_area")


@dataclass(frozen=True)
class ImportResult:
    """What an import stored: ``rows`` (the batch's count), the rows it rejected (``skip_invalid``)
    with their problems and the file they were written to, and ``notes`` on how values were read."""

    layer: str
    source_name: str
    source_crs: str
    rows: int
    import_id: int
    replaced: int = 0
    rejected: int = 0
    rejected_file: Path | None = None
    problems: tuple[RowError, ...] = ()
    notes: tuple[str, ...] = ()


def rejected_path(source_name: str) -> Path:
    """Where the rejected rows of a file go unless told: ``<file stem>.rejected.csv`` in the working folder."""
    return Path(f"{Path(source_name).stem}.rejected.csv")


def import_spec(name: str) -> LayerSpec:
    """The layer called ``name`` that files can be imported into; NotFound names those there are."""
    try:
        return IMPORTABLE[name]
    except KeyError:
        raise NotFound(Message("imports.no-layer-import-into",
                               N_("no layer %(name)r to import into; layers are: %(IMPORTABLE)s"),
                               name=name, IMPORTABLE=', '.join(IMPORTABLE))) from None


def plausible_extent(session, spec: LayerSpec, extent: Extent | None, settings: ImportSettings) -> Extent | None:
    """The area a layer's rows must lie in: the given one, else the stored districts grown by the
    margin; None (no check) for the district layer itself or when no districts are stored."""
    if extent is not None or spec.name == "district":
        return extent
    stored = layer_reads.district_extent(session)
    return Extent(*stored).grown(settings.extent_margin_km) if stored else None


def import_layer(session, layer: str, path: str | Path, *, actor: Principal, mapping: Mapping = Mapping(),
                 progress: ProgressFactory = silent, extent: Extent | None = None, again: bool = False,
                 on_duplicate: str = "refuse", settings: ImportSettings = ImportSettings(),
                 weights: str | Path | None = None, weights_id: str | None = None,
                 skip_invalid: bool = False, rejected: Path | None = None) -> ImportResult:
    """Read, validate and store a layer file; all rows in the caller's transaction, or none.

    An ``analysis_area`` file is one new set of areas; ``weights`` (a GAL or GWT file) is stored
    with it, its ids being the values of the file's column ``weights_id`` (stored as the areas'
    ``external_id``), which must match the areas one to one (``geo.services.layers.area_sets``).

    Raises ``InvalidInput`` listing every bad row (row number, field, reason) before storing anything.
    With ``skip_invalid`` the valid rows are stored and the others written to ``rejected`` (default
    :func:`rejected_path`); when no row is valid, nothing is stored and ``InvalidInput`` is raised.
    Rows must lie within ``extent`` (default: the stored districts grown by the settings' margin; no
    check when there are none). A file imported into the layer before is refused unless ``again``.

    Examples
    --------
    >>> import_layer(session, "incident", "sf.csv", actor=SYSTEM,
    ...              mapping=Mapping(fields={"occurred_at": "Date"}, timezone="America/Los_Angeles"))
    """
    require(actor, Role.ADMIN)
    spec = import_spec(layer)
    path = Path(path)
    weights_read = None
    if weights_id is not None and weights is None:
        raise InvalidInput(Message("imports.weights-id-names",
                                   N_("--weights-id names the ids of a weights file; give the file with --weights")))
    if weights is not None:
        if spec.name != area_sets.LAYER:
            raise InvalidInput(Message("imports.weights-file-comes",
                                       N_("a weights file comes with layer %(LAYER)s, not %(spec_name)s"),
                                       LAYER=area_sets.LAYER, spec_name=spec.name))
        mapping = area_sets.weights_mapping(mapping, weights_id)
        weights_read = area_sets.read_weights_file(weights)
    # streets replace the stored ones inside the hull of all the file's lines: read in one piece
    chunks = read_chunks(path, chunk_rows=None if spec.name == STREETS.name else settings.chunk_rows,
                         srid=mapping.srid, sublayer=mapping.sublayer,
                         csv=CsvGeometry(lon=mapping.lon, lat=mapping.lat, wkt=mapping.wkt),
                         encoding=mapping.encoding, delimiter=mapping.delimiter)
    first = next(chunks)
    checksum = file_checksum(path)
    earlier = None if again else layer_reads.import_with_checksum(session, spec.name, checksum)
    if earlier is not None:
        raise InvalidInput(Message("imports.was-imported-into",
                                   N_("%(first_name)s was imported into layer %(spec_name)s before (import "
                                      "%(earlier_id)s, %(imported_at)s, %(row_count)s rows); nothing was stored: "
                                      "--again imports it once more"),
                                   first_name=first.name, spec_name=spec.name, earlier_id=earlier.id,
                                   imported_at=format(earlier.imported_at, '%Y-%m-%d %H:%M'),
                                   row_count=earlier.row_count))
    result = import_chunks(session, spec, itertools.chain([first], chunks), actor=actor, mapping=mapping,
                           progress=progress, extent=plausible_extent(session, spec, extent, settings), sha256=checksum,
                           on_duplicate=on_duplicate, skip_invalid=skip_invalid, rejected=rejected)
    if spec.name == area_sets.LAYER:
        area_sets.finish_import(session, result.import_id, weights=weights_read,
                                weights_name=Path(weights).name if weights else "", weights_id=weights_id or "")
    return result


def import_frame(session, layer: str, frame: gpd.GeoDataFrame, *, name: str, actor: Principal,
                 mapping: Mapping = Mapping(), progress: ProgressFactory = silent) -> ImportResult:
    """Store an in-memory GeoDataFrame through the same validation as a file import."""
    require(actor, Role.ADMIN)
    if frame.crs is None:
        raise InvalidInput(Message("imports.frame-has-no-crs", N_("%(name)s: the frame has no CRS"), name=name))
    source = Source(name=name, frame=frame.reset_index(drop=True), crs=frame.crs)
    result = import_source(session, import_spec(layer), source, actor=actor, mapping=mapping, progress=progress)
    if result.layer == area_sets.LAYER:
        area_sets.finish_import(session, result.import_id)
    return result


def import_source(session, spec: LayerSpec, source: Source, *, actor: Principal, mapping: Mapping,
                  progress: ProgressFactory = silent, extent: Extent | None = None, sha256: str | None = None,
                  on_duplicate: str = "refuse", skip_invalid: bool = False,
                  rejected: Path | None = None) -> ImportResult:
    """Validate and store a source read already: :func:`import_chunks` of its one chunk."""
    return import_chunks(session, spec, [source], actor=actor, mapping=mapping, progress=progress, extent=extent,
                         sha256=sha256, on_duplicate=on_duplicate, skip_invalid=skip_invalid, rejected=rejected)


def import_chunks(session, spec: LayerSpec, chunks: Iterable[Source], *, actor: Principal, mapping: Mapping,
                  progress: ProgressFactory = silent, extent: Extent | None = None, sha256: str | None = None,
                  on_duplicate: str = "refuse", skip_invalid: bool = False,
                  rejected: Path | None = None) -> ImportResult:
    """Validate and store a source chunk by chunk (``geo.ingest.readers.read_chunks``), all rows or none.

    Each chunk is validated, then COPYed, inside one SAVEPOINT: once a row is found bad, the chunks
    after it are only validated (so every bad row of the file is reported) and the SAVEPOINT is
    rolled back, taking back the rows stored before. ``on_duplicate`` (refuse or update) decides what
    becomes of rows whose (source, external_id) is stored: refused, or the stored rows replaced;
    rows of one file may share a key, whichever chunk they are in.

    Every check (values, geometry, extent, unique fields, stored keys) refuses rows alike: all of
    them make a row invalid, so ``skip_invalid`` leaves out exactly the rows the report names.
    """
    require(actor, Role.ADMIN)
    if on_duplicate not in ON_DUPLICATE:
        raise InvalidInput(Message("imports.duplicate-not-one",
                                   N_("on duplicate: %(on_duplicate)r is not one of: %(ON_DUPLICATE)s"),
                                   on_duplicate=on_duplicate, ON_DUPLICATE=', '.join(ON_DUPLICATE)))
    chunks = iter(chunks)
    first = next(chunks)
    with session.begin_nested():
        return _store_chunks(session, spec, first, itertools.chain([first], chunks), actor=actor, mapping=mapping,
                             progress=progress, extent=extent, sha256=sha256, on_duplicate=on_duplicate,
                             skip_invalid=skip_invalid, rejected=rejected)


def _store_chunks(session, spec: LayerSpec, first: Source, chunks: Iterable[Source], *, actor: Principal,
                  mapping: Mapping, progress: ProgressFactory, extent: Extent | None, sha256: str | None,
                  on_duplicate: str, skip_invalid: bool, rejected: Path | None) -> ImportResult:
    columns = resolve_columns(spec, [c for c in first.frame.columns if c != first.frame.geometry.name], mapping)
    refs = {f.name: layer_reads.name_lookup(session, layer_spec(f.ref)) for f in spec.fields
            if f.type == "ref" and (f.name in columns or f.name in mapping.constants)}
    tz = timezone(mapping.timezone or DEFAULT_TIMEZONE)
    times = TimeOptions(formats=tuple(mapping.date_format or ()), ambiguous=mapping.ambiguous or DEFAULT_AMBIGUOUS)
    existing = {f.name: layer_reads.existing_values(session, spec, f.name) for f in spec.fields if f.unique}
    keyed = all(f in {x.name for x in spec.fields} for f in KEY_FIELDS)
    key_columns = tuple(spec.field(f).column for f in KEY_FIELDS) if keyed else ()
    crs_name = first.crs.to_string()
    batch = layer_writes.record_import(session, layer=spec.name, source_name=first.name, source_crs=crs_name,
                                       row_count=0, sha256=sha256)
    seen: dict[str, dict] = {}
    readings: dict = {}
    errors: list[RowError] = []
    rejected_parts = []
    notes: list[str] = []
    rows = bad_rows = replaced = 0
    bar = progress(total=None, desc=f"storing {spec.name}")
    writer = _Writer()
    try:
        for chunk in chunks:
            prepared, chunk_errors = validate(chunk, spec, columns, mapping.constants, tz=tz, refs=refs,
                                              repair=bool(mapping.repair), existing=existing, extent=extent,
                                              times=times, seen=seen, readings=readings)
            notes = prepared.notes
            duplicates: set[tuple] = set()
            if keyed:
                in_chunk = _chunk_keys(prepared, key_columns)
                writer.ready()
                key_errors, duplicates = _stored_keys(session, spec, prepared, key_columns, in_chunk, batch.id,
                                                      chunk.offset)
                if on_duplicate == "refuse":
                    chunk_errors = sorted(chunk_errors + key_errors, key=lambda e: (e.row, e.field))
                    duplicates = set()  # refused rows replace nothing
            rows += prepared.count
            bad = {e.row - 1 - chunk.offset for e in chunk_errors}
            bad_rows += len(bad)
            errors += chunk_errors
            if chunk_errors and skip_invalid:
                rejected_parts.append(rejected_rows(chunk, chunk_errors))
            if errors and not skip_invalid:
                continue  # nothing will be stored: the rest of the file is only validated
            if bad:
                keep = np.ones(prepared.count, dtype=bool)
                keep[list(bad)] = False
                prepared = prepared.subset(keep)
                if duplicates:  # only the stored rows of a record that is stored again are replaced
                    duplicates &= set(zip(*(prepared.columns[c] for c in key_columns)))
            rows_out = _csv_rows(spec, prepared, batch.id) if spec.name != STREETS.name else None
            writer.ready()
            if duplicates:
                replaced += layer_writes.delete_keyed(session, spec.table, key_columns, duplicates,
                                                      besides_import=batch.id)
            if spec.name == STREETS.name:  # one row per line part, replacing the stored streets in the file's area
                prepared, gone = streets.segments_replacing(session, prepared)
                replaced += gone
                rows_out = _csv_rows(spec, prepared, batch.id)
            writer.write(_copy, session, rows_out, first.name, bar)
        writer.ready()
    finally:
        writer.close()
        bar.close()
    stored = writer.stored
    if errors and (not skip_invalid or bad_rows >= rows):
        values = {"file": first.name, "bad_rows": bad_rows, "rows": rows, "layer": spec.name}
        raise InvalidInput(Message("imports.every-row-not-valid",
                                   N_("%(file)s: %(bad_rows)s of %(rows)s rows (every row) are not valid for layer "
                                      "%(layer)s; nothing was stored"), **values) if skip_invalid else
                           Message("imports.rows-not-valid",
                                   N_("%(file)s: %(bad_rows)s of %(rows)s rows are not valid for layer %(layer)s; "
                                      "nothing was stored"), **values), rows=errors, notes=notes)
    if rows == 0:
        raise InvalidInput(Message("imports.holds-no-rows-nothing",
                                   N_("%(first_name)s holds no rows; nothing was stored"),
                                   first_name=first.name))
    rejected_file = None
    if errors:
        rejected_file = write_rejected(pd.concat(rejected_parts, ignore_index=True),
                                       rejected or rejected_path(first.name))
    batch.row_count = stored
    session.flush()
    entry = {"layer": spec.name, "source_name": first.name, "source_crs": crs_name, "rows": stored}
    entry |= {"rejected": bad_rows} if bad_rows else {}
    record(session, actor, "import", "import_batch", batch.id, None,
           entry | ({"replaced": replaced} if replaced else {}))  # an update names the rows it replaced
    return ImportResult(spec.name, first.name, crs_name, stored, batch.id, replaced,
                        rejected=bad_rows, rejected_file=rejected_file, problems=tuple(errors), notes=tuple(notes))


class _Writer:
    """COPYs a chunk in a thread of its own while the main thread reads and validates the next one
    (PostgreSQL stores the rows meanwhile, on the other core). The connection is used by one thread
    at a time: every other statement waits for the COPY first (:meth:`ready`)."""

    def __init__(self):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kuzet-copy")
        self._pending: Future | None = None
        self.stored = 0

    def ready(self) -> None:
        """Wait for the COPY under way, if any; its error (a refused row) is raised here."""
        pending, self._pending = self._pending, None
        if pending is not None:
            self.stored += pending.result()

    def write(self, copy, *args) -> None:
        self.ready()
        self._pending = self._pool.submit(copy, *args)

    def close(self) -> None:
        """Wait for the thread whatever happened (an error already raised is the one reported)."""
        if self._pending is not None:
            wait([self._pending])
        self._pool.shutdown()


def _chunk_keys(prepared: Prepared, key_columns: tuple[str, ...]) -> set[tuple]:
    """The (source, external_id) keys a chunk's rows give (none when the file has no such columns)."""
    if not all(c in prepared.columns for c in key_columns):
        return set()
    return {k for k in zip(*(prepared.columns[c] for c in key_columns)) if None not in k}


def _stored_keys(session, spec: LayerSpec, prepared: Prepared, key_columns: tuple[str, ...], in_chunk: set[tuple],
                 import_id: int, offset: int) -> tuple[list[RowError], set[tuple]]:
    """Rows of a chunk whose (source, external_id) an earlier import stored (numbered in the file), and
    those keys; the rows of this import, stored from the chunks before, do not count."""
    found = layer_reads.stored_keys(session, spec, KEY_FIELDS, among=in_chunk, besides_import=import_id) \
        if in_chunk else set()
    errors, duplicates = known_keys(prepared.columns, key_columns, found,
                                    Message("imports.duplicate-hint", N_("--on-duplicate update replaces the stored rows")))
    return [RowError(e.row + offset, e.field, e.msg) for e in errors], duplicates


def _csv_rows(spec: LayerSpec, prepared: Prepared, import_id: int) -> layer_writes.CsvCopy:
    """A chunk's valid rows as the CSV to COPY into the layer's table (built in the main thread)."""
    columns_out = dict(prepared.columns)
    columns_out[spec.geometry_column] = prepared.geometry
    if spec.name in IMPORT_TRACKED:
        columns_out["import_id"] = np.full(prepared.count, import_id)
    geometry_columns = [spec.geometry_column] + [f.column for f in spec.fields if f.type == "point"]
    return layer_writes.csv_copy(spec.table, columns_out, geometry_columns, count=prepared.count)


def _copy(session, rows: layer_writes.CsvCopy, name: str, bar) -> int:
    """COPY a chunk's rows (run in the writer's thread)."""
    try:
        return layer_writes.send_copy(session, rows, on_progress=bar.update)
    except layer_writes.RefusedByDatabase as exc:
        raise InvalidInput(Message("imports.database-refused-rows",
                                   N_("%(name)s: the database refused the rows (%(exc)s); nothing was stored"),
                                   name=name, exc=exc)) from exc
