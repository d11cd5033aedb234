"""Spatial weights read from a GAL or GWT file (GeoDa's formats), through libpysal.

A file names its units by ids (the ``external_id`` of analysis areas); :func:`read_weights` reads the
text of one, :func:`unmatched` says which ids fail to match a list of areas, and
:func:`neighbour_matrix` gives the binary neighbour pattern over areas in a given order. The weights
a GWT file holds are read, but a hot spot run uses who neighbours whom (binary or row-standardised,
as its ``weights`` option says).
"""
from __future__ import annotations

import tempfile
import warnings
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from scipy import sparse

from ..errors import InvalidInput
from ..messages import N_, NP_, Joined, Message

FORMATS = ("gal", "gwt")


def weights_format(name: str) -> str:
    """"gal" or "gwt" from a file name's suffix; InvalidInput for another."""
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix not in FORMATS:
        raise InvalidInput(Message("weights_file.weights-file-gal",
                                   N_("%(name)s: a weights file is a .gal or .gwt file"),
                                   name=name))
    return suffix


def read_weights(text: str, format: str):
    """The libpysal ``W`` of a GAL or GWT file's text, its ids as strings.

    Examples
    --------
    >>> w = read_weights("3\\na 1\\nb\\nb 2\\na c\\nc 1\\nb\\n", "gal")
    >>> w.neighbors["b"]
    ['a', 'c']
    """
    from libpysal.io import open as open_weights
    from libpysal.weights import W

    if format not in FORMATS:
        raise InvalidInput(Message("weights_file.unknown-weights-format",
                                   N_("unknown weights format %(format)r; use gal or gwt"),
                                   format=format))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"weights.{format}"
        path.write_text(text, encoding="utf-8")
        try:
            with warnings.catch_warnings():  # a GWT without its DBF: the ids stay strings, as wanted
                warnings.simplefilter("ignore")
                handle = open_weights(str(path), "r")
                w = handle.read()
                handle.close()
        except Exception as exc:  # libpysal raises what its parsers meet: ValueError, IndexError, ...
            raise InvalidInput(Message("weights_file.weights-file-cannot",
                                       N_("the weights file cannot be read as %(upper)s: %(exc)s"),
                                       upper=format.upper(), exc=exc)) from None
    neighbours = {str(k): [str(j) for j in v] for k, v in w.neighbors.items()}
    values = {str(k): list(v) for k, v in w.weights.items()}
    with warnings.catch_warnings():  # islands are reported by the run, not as a warning here
        warnings.simplefilter("ignore")
        return W(neighbours, values, id_order=[str(i) for i in w.id_order])


def unmatched(w, ids: Sequence[str | None], *, show: int = 5) -> Message | None:
    """Why the file's ids and the areas' ``ids`` do not match one to one, or None when they do."""
    known = [str(i) for i in ids if i is not None]
    file_ids = set(w.id_order)
    problems = []
    if len(known) < len(ids):
        problems.append(Message("weights.areas-without-id", NP_("%(num)d area has no id", "%(num)d areas have no id"),
                                num=len(ids) - len(known)))
    repeated = sorted(i for i, n in Counter(known).items() if n > 1)
    if repeated:
        problems.append(Message("weights.ids-repeated", N_("ids repeated among the areas: %(ids)s"),
                                ids=_first(repeated, show)))
    missing = sorted(file_ids - set(known))
    if missing:
        problems.append(Message("weights.ids-no-area", NP_("%(num)d id of the file names no area: %(ids)s",
                                                           "%(num)d ids of the file name no area: %(ids)s"),
                                num=len(missing), ids=_first(missing, show)))
    absent = sorted(set(known) - file_ids)
    if absent:
        problems.append(Message("weights.areas-not-in-file", NP_("%(num)d area is not in the file: %(ids)s",
                                                                 "%(num)d areas are not in the file: %(ids)s"),
                                num=len(absent), ids=_first(absent, show)))
    return Joined("weights.unmatched", problems) if problems else None


def neighbour_matrix(w, ids: Sequence[str]) -> sparse.csr_array:
    """The binary neighbour pattern of ``w`` over the areas ``ids`` in that order (neighbours outside
    ``ids`` left out): a sparse matrix with an empty diagonal, as symmetric as the file."""
    position = {str(i): n for n, i in enumerate(ids)}
    rows, cols = [], []
    for i in ids:
        for j in w.neighbors.get(str(i), ()):
            if j in position and j != str(i):
                rows.append(position[str(i)])
                cols.append(position[j])
    n = len(ids)
    return sparse.csr_array((np.ones(len(rows)), (np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64))),
                            shape=(n, n))


def _first(items: list[str], show: int) -> str:
    return ", ".join(items[:show]) + (f" and {len(items) - show} more" if len(items) > show else "")
