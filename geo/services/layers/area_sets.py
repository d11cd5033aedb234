"""Analysis areas (polygon sets such as census blocks) come in as one import per set, optionally
with a GAL or GWT weights file whose ids are the areas' ``external_id``.

``import_layer`` calls these around an ``analysis_area`` import: the file is read (and refused if
libpysal cannot read it) before anything is stored; after the rows are stored in the caller's
transaction, a set that existed before is refused, and the file's ids must match the set's areas
one to one, or the import fails and the caller's rollback leaves nothing stored.
"""
from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy.orm import Session

from ...analysis.weights_file import read_weights, unmatched, weights_format
from ...db import analysis_areas as db
from ...errors import InvalidInput
from ...ingest.mapping import Mapping
from ...messages import N_, Message

LAYER = "analysis_area"


def weights_mapping(mapping: Mapping, weights_id: str | None) -> Mapping:
    """The mapping with ``external_id`` read from ``weights_id``, the column the weights file's ids are."""
    if not weights_id:
        raise InvalidInput(Message("area_sets.weights-file-needs",
                                   N_("a weights file needs --weights-id: the column of the areas whose values the "
                                      "file's ids are")))
    mapped = mapping.fields.get("external_id")
    if mapped is not None and mapped != weights_id:
        raise InvalidInput(Message("area_sets.external-id-mapped",
                                   N_("external_id is mapped to %(mapped)r but the weights file's ids are "
                                      "%(weights_id)r; they must be one column"),
                                   mapped=mapped, weights_id=weights_id))
    return replace(mapping, fields={**mapping.fields, "external_id": weights_id})


def read_weights_file(path: str | Path) -> tuple[str, str, object]:
    """(format, text, W) of a weights file; InvalidInput when it is no GAL/GWT file libpysal reads."""
    path = Path(path)
    fmt = weights_format(path.name)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InvalidInput(Message("area_sets.cannot-read-weights",
                                   N_("%(path_name)s: cannot read the weights file (%(exc)s)"),
                                   path_name=path.name, exc=exc)) from None
    return fmt, text, read_weights(text, fmt)


def finish_import(session: Session, import_id: int, *, weights: tuple[str, str, object] | None = None,
                  weights_name: str = "", weights_id: str = "") -> list[str]:
    """Check the sets an import stored are new, store the weights file with its set; the set names."""
    names = db.sets_of_import(session, import_id)
    before = db.sets_stored_before(session, names, import_id)
    if before:
        raise InvalidInput(Message("area_sets.analysis-area-set",
                                   N_("analysis area set(s) %(before)s exist already; a set is imported once "
                                      "(choose another set_name); nothing was stored"),
                                   before=', '.join(before)))
    if weights is None:
        return names
    if len(names) != 1:
        raise InvalidInput(Message("area_sets.weights-file-describes",
                                   N_("a weights file describes one set of areas; this file holds %(count)s "
                                      "(%(names)s); nothing was stored"),
                                   count=len(names), names=', '.join(names)))
    fmt, text, w = weights
    problem = unmatched(w, db.external_ids(session, names[0]))
    if problem is not None:
        raise InvalidInput(Message("area_sets.ids-do-not-match",
                                   N_("%(weights_name)s: its ids do not match the areas' %(weights_id)s: "
                                      "%(problem)s; nothing was stored"),
                                   weights_name=weights_name, weights_id=weights_id, problem=problem))
    db.store_weights(session, set_name=names[0], format=fmt, id_field=weights_id, source_name=weights_name,
                     body=text)
    return names
