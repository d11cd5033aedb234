"""The CSV an import COPYs: read back by Python's csv module and pandas, it holds the values given;
points packed by numpy are the EWKB shapely writes."""
from __future__ import annotations

import csv
import io
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pytest
import shapely
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.db.layer_writes import csv_block, ewkb_hex

ALMATY = ZoneInfo("Asia/Almaty")
LA = ZoneInfo("America/Los_Angeles")


def shapely_ewkb(geoms) -> list:
    return list(shapely.to_wkb(shapely.set_srid(np.asarray(geoms, dtype=object), 4326), hex=True, include_srid=True))


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.floats(-180, 180), st.floats(-90, 90)), min_size=1, max_size=40))
def test_points_packed_by_numpy_are_the_ewkb_shapely_writes(coords):
    points = shapely.points(np.array(coords))
    assert list(ewkb_hex(points)) == shapely_ewkb(points)


@pytest.mark.parametrize("geoms", [
    [shapely.Point(1, 2), None],                                  # a missing one: GEOS writes None
    [shapely.Point(1, 2), shapely.LineString([(0, 0), (1, 1)])],  # not only points
    [shapely.Point(1, 2, 3)],                                     # 3D
    [shapely.Point()],                                            # empty
])
def test_other_columns_go_through_shapely_unchanged(geoms):
    assert list(ewkb_hex(geoms)) == shapely_ewkb(geoms)


def test_texts_with_quotes_commas_and_line_breaks_read_back_as_given():
    columns = {"name": ['plain', 'a "quoted" word', "one, two", "two\nlines", "cr\rhere", None, "ǵ қазақ"],
               "n": [1, 2, None, 4, 5, 6, 7],
               "x": [0.1, 1e-300, float("nan"), 2.5, None, -0.0, 1 / 3],
               "flag": [True, False, None, True, False, True, None]}
    text = csv_block(columns, (), 0, 7)
    rows = list(csv.reader(io.StringIO(text, newline="")))
    expected = [["" if v is None or v != v else str(v) for v in values] for values in columns.values()]
    assert [list(col) for col in zip(*rows)] == expected
    # pandas reads it the same way (its own reader, missing as NaN)
    back = pd.read_csv(io.StringIO(text), header=None, names=list(columns), dtype=str, keep_default_na=False)
    assert back["name"].tolist() == expected[0]


def test_aware_times_are_written_as_the_same_instants_in_utc_and_dates_as_dates():
    local = [datetime(2024, 3, 10, 1, 59, 59, 999999, tzinfo=LA), datetime(2024, 3, 10, 3, 0, tzinfo=LA),
             datetime(2024, 11, 3, 1, 30, tzinfo=LA, fold=1), datetime(2026, 1, 1, 0, 0, 0, 1, tzinfo=ALMATY), None]
    days = [date(2024, 2, 29), None, date(1999, 12, 31), date(2026, 1, 1), date(2000, 1, 1)]
    text = csv_block({"at": local, "day": days}, (), 0, 5)
    rows = list(csv.reader(io.StringIO(text)))
    instants = [pd.Timestamp(r[0]) if r[0] else None for r in rows]
    assert instants[:4] == [pd.Timestamp(v) for v in local[:4]] and instants[4] is None
    assert all(r[0].endswith("Z") for r in rows[:4])
    assert [r[1] for r in rows] == ["2024-02-29", "", "1999-12-31", "2026-01-01", "2000-01-01"]
    assert (instants[1] - instants[0]) == pd.Timedelta(microseconds=1)  # the DST gap is an hour of nothing
    assert local[2].utcoffset() == timedelta(hours=-8) and rows[2][0] == "2024-11-03T09:30:00.000000Z"


def test_a_block_is_the_rows_asked_for():
    columns = {"a": list(range(10)), "geom": shapely.points(np.arange(10), np.arange(10))}
    rows = list(csv.reader(io.StringIO(csv_block(columns, ["geom"], 3, 6))))
    assert [r[0] for r in rows] == ["3", "4", "5"]
    assert [shapely.from_wkb(r[1]) for r in rows] == [shapely.Point(i, i) for i in (3, 4, 5)]
    assert csv_block(columns, ["geom"], 4, 4) == ""
