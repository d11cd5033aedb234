"""GAL and GWT weights read through libpysal, matched to areas by id, turned into a neighbour matrix."""
from __future__ import annotations

import libpysal
import numpy as np
import pytest

from geo.analysis.weights_file import neighbour_matrix, read_weights, unmatched, weights_format
from geo.errors import InvalidInput

GAL = "4\nA 2\nB C\nB 2\nA D\nC 2\nA D\nD 2\nB C\n"  # a 2 x 2 rook block


def written(tmp_path, w, suffix: str) -> str:
    path = tmp_path / f"w.{suffix}"
    out = libpysal.io.open(str(path), "w")
    out.write(w)
    out.close()
    return path.read_text()


@pytest.mark.parametrize("suffix", ["gal", "gwt"])
def test_a_file_written_by_libpysal_reads_back_as_the_same_neighbours(tmp_path, suffix):
    w = libpysal.weights.lat2W(4, 5, rook=False, id_type="string")
    ours = read_weights(written(tmp_path, w, suffix), suffix)
    order = list(w.id_order)
    matrix = neighbour_matrix(ours, order).toarray()
    np.testing.assert_array_equal(matrix, (w.sparse.toarray() > 0).astype(float))
    assert unmatched(ours, order) is None


def test_the_matrix_follows_the_order_of_the_areas_given():
    w = read_weights(GAL, "gal")
    m = neighbour_matrix(w, ["D", "C", "B", "A"]).toarray()
    assert m[0].tolist() == [0, 1, 1, 0] and m[3].tolist() == [0, 1, 1, 0]


def test_ids_that_do_not_match_are_named():
    w = read_weights(GAL, "gal")
    problem = str(unmatched(w, ["A", "B", "C", "E", None]))
    assert "1 area has no id" in problem
    assert "1 id of the file names no area: D" in problem and "1 area is not in the file: E" in problem
    assert "ids repeated among the areas: A" in str(unmatched(w, ["A", "A", "B", "C", "D"]))


@pytest.mark.parametrize(("text", "name", "message"), [
    ("3\nA 1\n", "w.gal", "cannot be read as GAL"),
    ("", "w.csv", "a weights file is a .gal or .gwt file"),
])
def test_a_file_that_is_no_weights_file_is_refused(text, name, message):
    with pytest.raises(InvalidInput, match=message):
        read_weights(text, weights_format(name))
