"""Validation reports every bad row of a layer before anything is stored."""
from __future__ import annotations

from zoneinfo import ZoneInfo

import geopandas as gpd
import pytest
import shapely
from shapely.geometry import LineString, Point, Polygon, box

from geo.errors import InvalidInput
from geo.ingest.mapping import Mapping, parse_pairs, resolve_columns
from geo.ingest.readers import Source, sniff_delimiter
from geo.ingest.validate import Extent, validate
from geo.layers import layer
from geo.services import parse_bbox

ALMATY = ZoneInfo("Asia/Almaty")
SQUARE = box(76.90, 43.23, 76.91, 43.24)
BOWTIE = Polygon([(76.90, 43.23), (76.91, 43.24), (76.91, 43.23), (76.90, 43.24)])


def source(rows: list[dict], geometry: list, crs="EPSG:4326") -> Source:
    frame = gpd.GeoDataFrame(rows, geometry=geometry, crs=crs)
    return Source(name="t", frame=frame, crs=frame.crs)


def run(layer_name: str, src: Source, constants=None, **kw):
    spec = layer(layer_name)
    columns = resolve_columns(spec, [c for c in src.frame.columns if c != "geometry"],
                              Mapping(constants=constants or {}))
    return validate(src, spec, columns, constants or {}, tz=ALMATY, **kw)


def reasons(errors) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for e in errors:
        out.setdefault(e.row, []).append(f"{e.field}: {e.reason}")
    return out


def test_a_clean_event_row_is_typed_and_localised_to_almaty():
    prepared, errors = run("event", source(
        [{"name": "Match", "kind": "Sporting", "starts_at": "2026-12-01 18:00", "ends_at": "2026-12-01T21:00+05:00",
          "expected_attendance": "23000"}], [SQUARE]))
    assert errors == []
    assert prepared.columns["kind"] == ["sporting"]  # closed-set values are matched case-insensitively
    assert prepared.columns["starts_at"][0].utcoffset().total_seconds() == 5 * 3600
    assert prepared.columns["expected_attendance"] == [23000]
    assert prepared.geometry[0].geom_type == "Polygon"


def test_every_bad_row_of_a_file_is_reported_with_row_field_and_reason():
    rows = [
        {"name": "ok", "kind": "sporting", "starts_at": "2026-12-01 18:00", "ends_at": "2026-12-01 21:00",
         "expected_attendance": "10"},
        {"name": "", "kind": "sporting", "starts_at": "2026-12-01 18:00", "ends_at": "2026-12-01 21:00",
         "expected_attendance": "10"},
        {"name": "b", "kind": "inspection", "starts_at": "2026-12-01 18:00", "ends_at": "2026-12-01 21:00",
         "expected_attendance": "10"},
        {"name": "c", "kind": "mass", "starts_at": "yesterday", "ends_at": "2026-12-01 21:00",
         "expected_attendance": "-5"},
        {"name": "d", "kind": "mass", "starts_at": "2026-12-01 22:00", "ends_at": "2026-12-01 21:00",
         "expected_attendance": "7.5"},
        {"name": "e", "kind": "mass", "starts_at": "2026-12-01 18:00", "ends_at": "2026-12-01 21:00",
         "expected_attendance": "1"},
        {"name": "f", "kind": "mass", "starts_at": "2026-12-01 18:00", "ends_at": "2026-12-01 21:00",
         "expected_attendance": "1"},
        {"name": "g", "kind": "mass", "starts_at": "2026-12-01 18:00", "ends_at": "2026-12-01 21:00",
         "expected_attendance": "1"},
        {"name": "h", "kind": "mass", "starts_at": "2026-12-01 18:00", "ends_at": "2026-12-01 21:00",
         "expected_attendance": "1"},
    ]
    geoms = [SQUARE, SQUARE, SQUARE, SQUARE, SQUARE, None, BOWTIE, LineString([(76.9, 43.2), (76.95, 43.3)]),
             box(190, 43, 191, 44)]
    prepared, errors = run("event", source(rows, geoms))
    bad = reasons(errors)
    assert set(bad) == {2, 3, 4, 5, 6, 7, 8, 9}
    assert bad[2] == ["name: required value is missing"]
    assert "not one of" in bad[3][0]
    assert any("starts_at: cannot read 'yesterday'" in r for r in bad[4])
    assert any("below the minimum" in r for r in bad[4])
    assert any("ends_at must be after starts_at" in r for r in bad[5])
    assert any("not a whole number" in r for r in bad[5])
    assert bad[6] == ["geometry: geometry is missing or empty"]
    assert "invalid geometry" in bad[7][0] and "Self-intersection" in bad[7][0]
    assert "LineString does not fit layer event" in bad[8][0]
    assert "outside the valid range" in bad[9][0]


def test_day_first_dates_and_dates_without_time_are_read():
    prepared, errors = run("formation", source(
        [{"name": "Dostyk", "base_type": "residence", "notified_unit": "1", "notified_on": "05.10.2023",
          "notification_ref": "12-3/417"}], [SQUARE]), refs={"notified_unit": {"1": 1}})
    assert errors == []
    assert str(prepared.columns["notified_on"][0]) == "2023-10-05"
    assert prepared.geometry[0].geom_type == "MultiPolygon"  # item 7 home areas are stored as multipolygons


def test_a_notification_must_name_unit_date_and_reference_together_item_7():
    _, errors = run("formation", source(
        [{"name": "Dostyk", "base_type": "residence", "notified_unit": "1", "notified_on": "",
          "notification_ref": ""}], [SQUARE]), refs={"notified_unit": {"1": 1}})
    assert [(e.row, e.field) for e in errors] == [(1, "notified_on, notification_ref")]


def test_a_reference_to_a_missing_police_unit_is_reported():
    _, errors = run("patrol_zone", source([{"name": "Z", "police_unit": "Nowhere"}], [SQUARE]),
                    refs={"police_unit": {"Police of Almaly": 1, "1": 1}})
    assert errors[0].reason == "no police_unit named or numbered 'Nowhere'"


def test_duplicate_unique_names_in_the_file_and_in_the_database_are_reported():
    rows = [{"name": "Almaly"}, {"name": "Medeu"}, {"name": "Almaly"}]
    _, errors = run("district", source(rows, [SQUARE] * 3), existing={"name": {"Medeu"}})
    assert [(e.row, e.reason) for e in errors] == [(2, "'Medeu' already exists in layer district"),
                                                   (3, "'Almaly' repeats row 1")]


def test_repair_makes_a_self_intersecting_polygon_valid_and_z_is_dropped():
    bowtie_z = Polygon([(x, y, 700.0) for x, y in BOWTIE.exterior.coords])
    _, errors = run("district", source([{"name": "A"}], [bowtie_z]))
    assert "--repair" in errors[0].reason
    prepared, errors = run("district", source([{"name": "A"}], [bowtie_z]), repair=True)
    assert errors == []
    fixed = prepared.geometry[0]
    assert fixed.is_valid and fixed.geom_type == "MultiPolygon" and not fixed.has_z


def test_projected_input_is_reprojected_to_wgs84():
    # SF State Plane (US feet, EPSG:2227) around the Tenderloin
    prepared, errors = run("incident", source(
        [{"occurred_at": "2012-07-01", "category": "DRUG/NARCOTIC"}], [Point(6008000, 2113000)], crs="EPSG:2227"))
    assert errors == []
    x, y = prepared.geometry[0].x, prepared.geometry[0].y
    assert -122.52 < x < -122.35 and 37.70 < y < 37.83
    assert prepared.columns["source"] == ["import"]  # the field's default


def test_unknown_fields_and_absent_required_sources_are_refused_before_reading_rows():
    spec = layer("incident")
    with pytest.raises(InvalidInput, match="has no field colour"):
        resolve_columns(spec, ["Date"], Mapping(fields={"colour": "Date"}))
    with pytest.raises(InvalidInput, match="required field.*occurred_at, category"):
        resolve_columns(spec, ["Date"], Mapping())
    with pytest.raises(InvalidInput, match="no column 'When'"):
        resolve_columns(spec, ["Date"], Mapping(fields={"occurred_at": "When"}))
    with pytest.raises(InvalidInput, match="FIELD=VALUE"):
        parse_pairs(["category"], "--set")


@pytest.mark.parametrize("value, message", [
    ("1,2,3", "four numbers"),
    ("a,b,c,d", "must be numbers"),
    ("77,43,76,44", "greater than its maximum"),
    ("76,43,200,44", "outside longitude"),
    ("nan,43,77,44", "outside longitude"),
])
def test_a_bad_bbox_is_refused_with_its_reason(value, message):
    with pytest.raises(InvalidInput, match=message):
        parse_bbox(value)


def test_a_good_bbox_is_parsed():
    assert parse_bbox("76.8,43.1,77.1,43.4") == (76.8, 43.1, 77.1, 43.4)


@pytest.mark.parametrize("attendance, ok", [("2147483647", True), ("2147483648", False), ("-2147483649", False),
                                            ("99999999999999999999", False)])
def test_an_integer_past_the_database_range_is_a_row_error(attendance, ok):
    _, errors = run("event", source(
        [{"name": "Match", "kind": "sporting", "starts_at": "2026-12-01 18:00", "ends_at": "2026-12-01 21:00",
          "expected_attendance": attendance}], [SQUARE]))
    problems = [e.reason for e in errors if e.field == "expected_attendance"]
    if ok:
        assert problems == []
    else:
        assert problems and "outside the range of a whole number" in problems[0]


def test_rows_outside_the_extent_are_reported_and_swapped_ones_named():
    extent = Extent.parse("76.7,43.0,77.2,43.5")
    rows = [{"occurred_at": "2026-11-01", "category": "theft"}] * 3
    _, errors = run("incident", source(rows, [Point(76.95, 43.25), Point(43.25, 76.95), Point(10, 10)]),
                    extent=extent)
    found = reasons(errors)
    assert sorted(found) == [2, 3]
    assert "swapped" in found[2][0] and "swapped" not in found[3][0]
    assert "longitude 76.7000..77.2000" in found[3][0]


@pytest.mark.parametrize("text, message", [("1,2,3", "four numbers"), ("a,b,c,d", "four numbers"),
                                           ("77,43,76,44", "minlon < maxlon")])
def test_a_bad_extent_is_refused(text, message):
    with pytest.raises(InvalidInput, match=message):
        Extent.parse(text)


def test_a_grown_extent_adds_the_margin_in_km():
    grown = Extent(76.8, 43.1, 77.1, 43.4).grown(11.132)
    assert grown.minlat == pytest.approx(43.0) and grown.maxlat == pytest.approx(43.5)
    assert grown.minlon < 76.8 - 0.1  # a degree of longitude is shorter than one of latitude here


@pytest.mark.parametrize("header, delimiter", [("lon;lat;name", ";"), ("lon,lat,name", ","), ("a\tb", "\t"),
                                               ("single", ",")])
def test_the_delimiter_is_the_one_the_header_holds(header, delimiter):
    assert sniff_delimiter(header + "\n1;2,3\n") == delimiter


def streets(rows: list[dict], geometry: list):
    from geo.layers import STREETS

    src = source(rows, geometry)
    columns = resolve_columns(STREETS, [c for c in src.frame.columns if c != "geometry"], Mapping())
    return validate(src, STREETS, columns, {}, tz=ALMATY)


STREET = LineString([(76.90, 43.23), (76.91, 43.23)])


@pytest.mark.parametrize("text, value", [("yes", True), ("No", False), ("TRUE", True), ("f", False), ("1", True),
                                         ("0.0", False), (None, None)])
def test_a_one_way_flag_reads_yes_no_words_and_digits(text, value):
    prepared, errors = streets([{"one_way": text}], [STREET])
    assert errors == [] and prepared.columns["one_way"] == [value]


@pytest.mark.parametrize("text, message", [("maybe", "not yes or no: 'maybe'"), ("-1", "reverse the line"),
                                           ("2", "not yes or no")])
def test_a_one_way_flag_that_is_not_yes_or_no_is_a_row_error(text, message):
    _, errors = streets([{"one_way": text}], [STREET])
    assert [(e.row, e.field) for e in errors] == [(1, "one_way")] and message in errors[0].reason


@pytest.mark.parametrize("speed, ok", [("50", True), ("0.5", True), ("0", False), ("-30", False), ("fast", False)])
def test_a_street_speed_must_be_a_number_above_zero(speed, ok):
    prepared, errors = streets([{"speed_kmh": speed}], [STREET])
    assert (errors == []) is ok
    if ok:
        assert prepared.columns["speed_kmh"] == [float(speed)]


def test_streets_are_lines_or_multi_lines_and_nothing_else():
    multi = shapely.MultiLineString([STREET, LineString([(76.92, 43.23), (76.93, 43.24)])])
    _, errors = streets([{"name": "a"}, {"name": "b"}, {"name": "c"}], [STREET, multi, SQUARE])
    assert [(e.row, e.field) for e in errors] == [(3, "geometry")]
    assert "a Polygon does not fit layer street_segment (expects LineString or MultiLineString)" in errors[0].reason
