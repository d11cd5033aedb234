"""The space–time cube counted in PostGIS equals the cube geopandas counts from the incidents themselves."""
from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from geo.analysis.cells import _cell_of, point_xy
from geo.crs import metric_crs_for
from geo.db import aggregate, cube
from geo.db import incidents as db
from tests.integration.test_hotspots_service import DRUGS, sf, sf_incidents  # noqa: F401  (fixtures)

SF_TZ = "America/Los_Angeles"
pytestmark = pytest.mark.realdata


def local_step_seconds(times: pd.Series, step: str, timezone: str) -> pd.Series:
    """The local start of each time's step, as seconds of the local calendar (geo.db.cube's keys)."""
    local = pd.to_datetime(times, utc=True).dt.tz_convert(timezone).dt.tz_localize(None)
    if step == "day":
        start = local.dt.normalize()
    elif step == "week":
        start = local.dt.normalize() - pd.to_timedelta(local.dt.day_of_week, unit="D")
    else:
        start = local.dt.to_period("M").dt.start_time
    return (start - pd.Timestamp(0)) // pd.Timedelta(seconds=1)


@pytest.mark.parametrize("shape", ["square", "hexagon"])
@pytest.mark.parametrize("step", ["day", "week", "month"])
def test_sql_cube_counts_equal_a_geopandas_count(sf, shape, step):
    frame = db.incident_frame(sf, db.IncidentFilter(categories=[DRUGS]))
    crs = metric_crs_for(frame)
    size, origin = 300.0, (12.5, -7.5)
    rows, cols = _cell_of(point_xy(frame, crs) - origin, size, shape)
    seconds = local_step_seconds(frame["occurred_at"], step, SF_TZ)
    theirs = Counter(zip(rows.tolist(), cols.tolist(), seconds.tolist()))
    chosen = aggregate.SelectionFilter(db.IncidentFilter(categories=[DRUGS]), timezone=SF_TZ)
    keys = cube.cube_keys(sf, chosen, srid=crs.to_epsg(), cell_size_m=size, shape=shape, step=step, origin=origin)
    ours = Counter(dict(zip(zip(keys["row"].tolist(), keys["col"].tolist(), keys["step"].tolist()),
                            keys["count"].tolist())))
    assert sum(ours.values()) == len(frame) == 3897
    assert ours == theirs
