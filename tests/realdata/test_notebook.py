"""The analyst's notebook runs top to bottom on the real San Francisco data."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.conftest import need_data

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOK = ROOT / "notebooks" / "hotspots.ipynb"
SHARED = Path(os.environ.get("KUZET_SHARED_DATA", ROOT.parent / "shared" / "data"))

pytestmark = pytest.mark.realdata


def test_the_hotspots_notebook_runs_top_to_bottom_and_finds_the_tenderloin_and_near_repeats():
    need_data(SHARED / "sf_crime_2012")
    nbformat = pytest.importorskip("nbformat", reason="nbformat is in the test extras")
    nbclient = pytest.importorskip("nbclient", reason="nbclient is in the test extras")
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    client = nbclient.NotebookClient(
        notebook, timeout=300, kernel_name="python3",
        resources={"metadata": {"path": str(NOTEBOOK.parent)}})
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KUZET_SHARED_DATA", str(SHARED))
        client.execute()
    printed = "".join(output.get("text", "") for cell in notebook.cells if cell.cell_type == "code"
                      for output in cell.get("outputs", []))
    assert "strongest hot spot" in printed and "TENDERLOIN" in printed
    assert "Moran's I = 0.5173" in printed
    assert "near repeats: Same location: over-represented for up to 7 days" in printed
    # the weekly space–time cube holds every de-duplicated drug incident, and the Tenderloin persists
    assert "cube: 28 weeks from 2012-06-25 to 2012-12-31, 2,481 cells, 1,719 incidents" in printed
    emerging = next(line for line in printed.splitlines() if line.startswith("emerging hot spots:"))
    assert "persistent_hot" in emerging
