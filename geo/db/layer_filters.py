"""Filters on a layer's own fields, as OGC API Features asks them: a time range, a property value."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, and_, true

from ..layers import Field, LayerSpec
from .layer_reads import model_of


def time_overlaps(spec: LayerSpec, start_field: str, end_field: str, *, start: datetime | None,
                  end: datetime | None) -> ColumnElement[bool]:
    """Rows whose time (``start_field`` to ``end_field``, the same field for an instant) meets the
    closed range ``start``..``end``; None is an open end."""
    model = model_of(spec)
    begins, ends = getattr(model, start_field), getattr(model, end_field)
    clauses = []
    if start is not None:
        clauses.append(ends >= start)
    if end is not None:
        clauses.append(begins <= end)
    return and_(*clauses) if clauses else true()


def equals(spec: LayerSpec, field: Field, value) -> ColumnElement[bool]:
    """Rows whose ``field`` holds ``value`` (already of the field's type)."""
    return getattr(model_of(spec), field.column) == value
