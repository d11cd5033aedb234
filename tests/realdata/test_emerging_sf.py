"""Emerging hot spots on the real San Francisco incidents (July–December 2012): a weekly cube, patterns found."""
from __future__ import annotations

import pandas as pd
import pytest

from geo.db import emerging_cells
from geo.services.hotspots import Parameters, Selection, hotspots
from tests.integration.test_hotspots_service import ANALYST, DRUGS, sf, sf_incidents  # noqa: F401  (fixtures)

SF_TZ = "America/Los_Angeles"
pytestmark = pytest.mark.realdata


def test_an_emerging_run_on_the_sf_drug_incidents_finds_patterns(sf):
    result = hotspots(sf, Selection.from_json({"categories": [DRUGS], "timezone": SF_TZ}),
                      Parameters.from_json({"method": "emerging", "cell_size_m": 400, "time_step": "week"}),
                      actor=ANALYST)
    s = result.summary
    steps = pd.to_datetime(s["steps"])
    assert s["steps"][0] == "2012-06-25" and len(steps) >= 27  # July to December 2012, weeks from Monday
    assert (steps.to_series().diff().dropna() == pd.Timedelta(days=7)).all()
    found = {name: n for name, n in s["classes"].items() if n and name != "none"}
    assert len(found) >= 2 and sum(found.values()) >= 10
    stored = emerging_cells.emerging_frame(sf, result.run_id)
    assert len(stored) == s["cells"] and stored["pattern"].value_counts().to_dict() == \
        {k: v for k, v in s["classes"].items() if v}
    assert sum(sum(c) for c in stored["counts"]) == s["incidents"] - s["outside"]
