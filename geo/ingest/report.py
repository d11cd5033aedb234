"""What an import tells its user: the rows it refused, grouped by reason, and the rejected-rows file.

A rejected-rows file is a CSV with the source's own columns as read (a CSV's every column as text;
another file's attributes and its geometry as WKT), then ``row`` (1-based, as in the report) and
``reason`` (the reasons of one row joined with "; "); it is read back by any CSV reader, kuzet's
import included once the rows are fixed.
"""
from __future__ import annotations

import calendar
import re
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ..errors import InvalidInput, RowError
from ..messages import N_, NP_, Message, Translations, render
from .readers import Source

# A reason with the values of its row left out: rows refused for the same cause share it.
_QUOTED = re.compile(r"""(?<!\w)(?:'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*")(?!\w)""")
_NUMBER = re.compile(r"\d+")
_MONTH = re.compile(r"\b(?:" + "|".join(calendar.month_name[1:]) + r")\b")
_KEY = re.compile(r"^.+ is stored already\b")


def reason_kind(error: RowError) -> str:
    """The field and the reason of ``error`` without the row's own values (quoted text, numbers, months)."""
    reason = _KEY.sub("… is stored already", _QUOTED.sub("…", error.reason))
    return f"{error.field}: {_MONTH.sub('…', _NUMBER.sub('#', reason))}"


def reason_counts(errors: list[RowError], translations: Translations | None = None) -> list[tuple[int, str]]:
    """(rows, reason) per kind of reason, most rows first; the reason is the first of its kind, with
    "e.g." when the rows of the kind differ in their values (in the language of ``translations``)."""
    kinds: Counter = Counter()
    first: dict[str, RowError] = {}
    varied: set[str] = set()
    for e in errors:
        kind = reason_kind(e)
        kinds[kind] += 1
        if first.setdefault(kind, e).reason != e.reason:
            varied.add(kind)
    out = []
    for kind, n in kinds.most_common():
        text = Message("report.field-reason", N_("%(field)s: %(reason)s"), field=first[kind].field,
                       reason=first[kind].render(translations)).render(translations)
        out.append((n, Message("report.example", N_("e.g. %(reason)s"), reason=text).render(translations)
                    if kind in varied else text))
    return out


@dataclass(frozen=True)
class Report:
    """A report in its parts: the head (message, how values were read), a line per problem, the counts."""

    head: list[str]
    rows: list[str]
    counts: list[str]

    @property
    def lines(self) -> list[str]:
        return self.head + self.rows + self.counts


def report(message: Message | str, errors: list[RowError], notes: list[Message | str] = (),
           translations: Translations | None = None) -> Report:
    """The whole report of an import, in the language of ``translations``: nothing left out."""
    counts = []
    if len(errors) > 1:
        rows = len({e.row for e in errors})
        counts = [Message("report.problems-by-reason",
                          NP_("%(problems)s problems in %(num)d row, by reason:",
                              "%(problems)s problems in %(num)d rows, by reason:"),
                          num=rows, problems=format(len(errors), ",")).render(translations)]
        counts += [f"  {n:,} × {reason}" for n, reason in reason_counts(errors, translations)]
    return Report([render(message, translations)] + [f"  {render(note, translations)}" for note in notes],
                  ["  " + e.line(translations) for e in errors], counts)


def rejected_rows(source: Source, errors: list[RowError]) -> pd.DataFrame:
    """The rows named in ``errors`` (rows of the file; ``source`` may be a chunk of it), with the
    source's columns as read, then ``row`` and ``reason``."""
    table = source.raw if source.raw is not None else _as_read(source)
    reasons: dict[int, list[str]] = {}
    for e in sorted(errors, key=lambda e: e.row):
        reasons.setdefault(e.row, []).append(f"{e.field}: {e.reason}")
    rows = sorted(reasons)
    out = table.iloc[[r - 1 - source.offset for r in rows]].reset_index(drop=True).copy()
    row_name, reason_name = ("row", "reason") if not {"row", "reason"} & set(out.columns) \
        else ("import_row", "import_reason")
    out[row_name] = rows
    out[reason_name] = ["; ".join(reasons[r]) for r in rows]
    return out


def _as_read(source: Source) -> pd.DataFrame:
    frame = source.frame
    table = pd.DataFrame(frame.drop(columns=frame.geometry.name))
    table[frame.geometry.name] = frame.geometry.to_wkt()
    return table


def write_rejected(rows: pd.DataFrame, path: Path) -> Path:
    """Write rejected rows (:func:`rejected_rows`, of one source or of its chunks concatenated) to
    ``path`` as a UTF-8 CSV."""
    try:
        rows.to_csv(path, index=False, encoding="utf-8")
    except OSError as exc:
        raise InvalidInput(Message("report.cannot-write-rejected",
                                   N_("cannot write the rejected rows to %(path)s: %(strerror)s; nothing was stored"),
                                   path=path, strerror=exc.strerror)) from exc
    return path
