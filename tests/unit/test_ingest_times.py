"""Dates and times are read only in forms that say what they mean; DST overlaps and gaps follow a policy."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geo.errors import InvalidInput, RowError
from geo.ingest.mapping import load_mapping
from geo.ingest.report import reason_counts, report
from geo.ingest.times import ISO_RE, TimeOptions, iso_shape, read_times, resolve_local, slashed

LA = ZoneInfo("America/Los_Angeles")
ALMATY = ZoneInfo("Asia/Almaty")
UTC = timezone.utc
# A real export: days 1-12 written YYYY/DD/MM, days 13-31 MM/DD/YYYY hh:mm:ss AM.
EXPORT_FORMATS = ("%Y/%d/%m", "%m/%d/%Y %I:%M:%S %p")


def export_column() -> list[str]:
    return [f"2014/{d:02d}/05" if d <= 12 else f"05/{d:02d}/2014 {(d % 12) or 12:02d}:30:00 {'AM' if d % 2 else 'PM'}"
            for d in range(1, 32)]


def read(texts, tz=LA, kind="datetime", **options):
    return read_times(texts, kind=kind, tz=tz, options=TimeOptions(**options))


@pytest.mark.parametrize("text, expected", [
    ("2014-05-09", datetime(2014, 5, 9, tzinfo=LA)),
    ("2014-05-09T18:30", datetime(2014, 5, 9, 18, 30, tzinfo=LA)),
    ("2014-05-09 18:30:15", datetime(2014, 5, 9, 18, 30, 15, tzinfo=LA)),
    ("2014-05-09T18:30:15.250", datetime(2014, 5, 9, 18, 30, 15, 250000, tzinfo=LA)),
    ("2014-05-09T18:30Z", datetime(2014, 5, 9, 18, 30, tzinfo=UTC)),
    ("2014-05-09T18:30+05:00", datetime(2014, 5, 9, 13, 30, tzinfo=UTC)),
    ("2014-05-09T18:30-0700", datetime(2014, 5, 10, 1, 30, tzinfo=UTC)),
    ("2014-05-09 18:30+05", datetime(2014, 5, 9, 13, 30, tzinfo=UTC)),
    ("09.05.2014", datetime(2014, 5, 9, tzinfo=LA)),  # dotted: day first, by its dots
    ("9.5.2014 18:30", datetime(2014, 5, 9, 18, 30, tzinfo=LA)),
])
def test_strict_iso_8601_and_dotted_day_first_values_are_read(text, expected):
    values, reading = read([text])
    assert reading.problems == {}
    assert values[0] == expected


@pytest.mark.parametrize("text, why", [
    ("2014/05/09", "could be 9 May or 5 September"),
    ("05/09/2014", "could be 9 May or 5 September"),
    ("2014-5-9", "neither ISO 8601"),
    ("20140509", "neither ISO 8601"),
    ("2014-05-09T18", "neither ISO 8601"),
    ("9 May 2014", "neither ISO 8601"),
    ("2014-02-30", "is not a valid date and time"),
    ("2014-05-09T25:00", "is not a valid date and time"),
])
def test_anything_else_is_refused_row_by_row_with_the_reason(text, why):
    values, reading = read([text, "2014-05-09"])
    assert values[0] is None and values[1] is not None
    assert why in str(reading.problems[0])
    assert repr(text) in str(reading.problems[0])


@pytest.mark.parametrize("text, why, option", [
    ("05/09/2014", "could be 9 May or 5 September", "--date-format '%m/%d/%Y'"),
    ("2014/05/09", "could be 9 May or 5 September", "--date-format '%Y/%m/%d'"),
    ("05/13/2014 10:30:00 PM", "reads only as 13 May 2014", "--date-format '%m/%d/%Y %I:%M:%S %p'"),
    ("13/05/2014 22:30", "reads only as 13 May 2014", "--date-format '%d/%m/%Y %H:%M'"),
    ("05/05/2014", "do not say whether the day or the month comes first", "--date-format '%m/%d/%Y'"),
])
def test_a_slashed_value_names_its_readings_and_the_format_that_reads_it(text, why, option):
    reason = str(slashed(text))
    assert why in reason and option in reason
    # the suggested format does read the value
    fmt = option.split("'")[1]
    values, reading = read([text], formats=(fmt,))
    assert reading.problems == {} and values[0] is not None


def test_the_mis_dated_export_is_refused_without_formats_and_lands_in_one_month_with_them():
    column = export_column()
    values, reading = read(column)
    assert sorted(reading.problems) == list(range(31))  # every slashed row, none read as a guess
    assert all("--date-format" in str(reason) for reason in reading.problems.values())
    values, reading = read(column, formats=EXPORT_FORMATS)
    assert reading.problems == {}
    assert {(v.year, v.month) for v in values} == {(2014, 5)}
    assert sorted(v.day for v in values) == list(range(1, 32))
    assert reading.by_format == {"%Y/%d/%m": 12, "%m/%d/%Y %I:%M:%S %p": 19}
    assert list(map(str, reading.notes("Date", tz=LA, ambiguous="latest"))) == [
        "Date: 19 rows read as %m/%d/%Y %I:%M:%S %p, 12 as %Y/%d/%m"]


def test_each_row_takes_the_first_format_that_reads_it_whole():
    day_first = read(["01/02/2014", "13/02/2014"], kind="date", formats=("%d/%m/%Y", "%m/%d/%Y"))[0]
    month_first = read(["01/02/2014", "02/13/2014"], kind="date", formats=("%m/%d/%Y", "%d/%m/%Y"))[0]
    assert day_first == [date(2014, 2, 1), date(2014, 2, 13)]
    assert month_first == [date(2014, 1, 2), date(2014, 2, 13)]


def test_an_explicit_offset_in_a_format_gives_the_zone_and_the_vectorised_read_matches_strptime():
    texts = ["05/13/2014 10:30:00 PM +0500", "12/01/2014 01:00:00 AM -0800"]
    fmt = "%m/%d/%Y %I:%M:%S %p %z"
    values, reading = read(texts, formats=(fmt,))
    assert reading.problems == {}
    assert values == [datetime.strptime(t, fmt) for t in texts]
    values, reading = read(["2014-05-09 10:00 UTC", "2014-05-09 10:00 EST"], formats=("%Y-%m-%d %H:%M %Z",))
    assert reading.problems == {}  # zone names that differ between rows: no "Mixed timezones" error
    assert values == [datetime(2014, 5, 9, 10, tzinfo=UTC), datetime(2014, 5, 9, 15, tzinfo=UTC)]


def test_zoned_and_zone_less_values_in_one_column_refuse_the_minority():
    texts = ["2014-05-09T10:00+05:00", "2014-05-09T11:00+06:00", "2014-05-09T12:00+05:00", "2014-05-09 13:00"]
    values, reading = read(texts, tz=ALMATY)
    assert list(reading.problems) == [3]
    assert str(reading.problems[3]) == ("'2014-05-09 13:00' has no UTC offset, while 3 other rows of this column have "
                                   "one; give every row an offset or none")
    assert values[1] == datetime(2014, 5, 9, 5, tzinfo=UTC)  # offsets that differ between rows are fine
    values, reading = read(["2014-05-09T10:00+05:00", "2014-05-09 13:00", "2014-05-09 14:00"], tz=ALMATY)
    assert list(reading.problems) == [0] and "has a UTC offset, while 2 other rows" in str(reading.problems[0])
    _, reading = read(["2014-05-09T10:00+05:00", "2014-05-09 13:00"], tz=ALMATY)
    assert list(reading.problems) == [1]  # a tie refuses the rows without an offset


OVERLAP, GAP = datetime(2012, 11, 4, 1, 30), datetime(2012, 3, 11, 2, 30)


@pytest.mark.parametrize("policy, overlap_utc, gap_utc", [
    ("earliest", datetime(2012, 11, 4, 8, 30, tzinfo=UTC), datetime(2012, 3, 11, 9, 30, tzinfo=UTC)),
    ("latest", datetime(2012, 11, 4, 9, 30, tzinfo=UTC), datetime(2012, 3, 11, 10, 30, tzinfo=UTC)),
])
def test_a_local_time_in_a_dst_overlap_or_gap_follows_the_policy(policy, overlap_utc, gap_utc):
    values, reading = read(["2012-11-04 01:30", "2012-03-11 02:30", "2012-07-01 12:00"], ambiguous=policy)
    assert reading.problems == {}
    assert values[0] == overlap_utc and values[1] == gap_utc
    assert (reading.overlap, reading.gap) == (1, 1)
    notes = list(map(str, reading.notes("occurred_at", tz=LA, ambiguous=policy)))
    assert "occurred_at: 1 row in a repeated hour (DST overlap) in America/Los_Angeles" in notes[1]
    assert f"(--ambiguous {policy})" in notes[1] and "skipped hour (DST gap)" in notes[2]


def test_the_dst_policies_agree_with_pandas():
    wall = pd.Series([OVERLAP, GAP])
    for policy, ambiguous, shift in (("earliest", True, -timedelta(hours=1)), ("latest", False, timedelta(hours=1))):
        expected = wall.dt.tz_localize(LA, ambiguous=[ambiguous, False], nonexistent=shift)
        got = [resolve_local(w, LA, policy)[1].timestamp() for w in (OVERLAP, GAP)]
        assert got == [t.timestamp() for t in expected], policy


def test_refusing_a_dst_time_says_precisely_why():
    values, reading = read(["2012-11-04 01:30", "2012-03-11 02:30"], ambiguous="refuse")
    assert values == [None, None]
    assert str(reading.problems[0]) == ("01:30 on 2012-11-04 happens twice in America/Los_Angeles (at -07:00 and at "
                                   "-08:00); --ambiguous earliest|latest chooses")
    assert str(reading.problems[1]) == ("02:30 on 2012-03-11 does not exist in America/Los_Angeles (the clocks went "
                                   "from -08:00 to -07:00); --ambiguous earliest|latest chooses")


def test_almaty_rows_are_unaffected_by_the_american_changes():
    values, reading = read(["2012-11-04 01:30", "2012-03-11 02:30"], tz=ALMATY, ambiguous="refuse")
    assert reading.problems == {} and (reading.overlap, reading.gap) == (0, 0)
    assert [v.utcoffset() for v in values] == [timedelta(hours=6)] * 2  # Almaty kept UTC+6 until 2024


def test_dates_take_no_zone_and_an_offset_gives_the_date_in_the_area():
    values, reading = read(["2014/05/09", "2014-05-09", "2014-05-09T23:30+00:00"], kind="date", tz=ALMATY,
                           formats=("%Y/%d/%m",))
    assert reading.problems == {}
    assert values == [date(2014, 9, 5), date(2014, 5, 9), date(2014, 5, 10)]


@pytest.mark.parametrize("options, message", [
    ({"formats": ("%Q",)}, "is not a valid format"),
    ({"formats": ("May",)}, "has no strptime code"),
    ({"ambiguous": "guess"}, "is not one of: earliest, latest, refuse"),
])
def test_bad_time_options_are_refused(options, message):
    with pytest.raises(InvalidInput, match=message):
        TimeOptions(**options)


def test_a_mapping_file_gives_one_format_or_several(tmp_path):
    toml = tmp_path / "export.toml"
    toml.write_text('date_format = ["%Y/%d/%m", "%m/%d/%Y %I:%M:%S %p"]\nambiguous = "refuse"\n')
    mapping = load_mapping(toml)
    assert mapping.date_format == EXPORT_FORMATS and mapping.ambiguous == "refuse"
    toml.write_text('date_format = "%d/%m/%Y"\n')
    assert load_mapping(toml).date_format == ("%d/%m/%Y",)
    toml.write_text("date_format = 7\n")
    with pytest.raises(InvalidInput, match="date_format is a format or a list of formats"):
        load_mapping(toml)


def test_the_report_counts_rows_per_kind_of_reason():
    errors = [RowError(i, "lon", "missing coordinate") for i in (1, 2, 3)]
    errors += [RowError(4, "Date", slashed("2014/01/05")), RowError(5, "Date", slashed("2014/02/05")),
               RowError(6, "name", "'A' repeats row 2"), RowError(7, "name", "'B' repeats row 3")]
    counts = reason_counts(errors)
    assert [n for n, _ in counts] == [3, 2, 2]
    assert counts[0][1] == "lon: missing coordinate"
    assert counts[1][1].startswith("e.g. Date: '2014/01/05' could be 5 January or 1 May")
    full = report("bad.csv: 7 of 9 rows are not valid", errors, ["Date: 2 rows read as ISO 8601"])
    assert full.head == ["bad.csv: 7 of 9 rows are not valid", "  Date: 2 rows read as ISO 8601"]
    assert len(full.rows) == 7 and full.counts[0] == "7 problems in 7 rows, by reason:"


ISO_PIECES = st.lists(st.sampled_from(["2014", "-", "05", "09", "5", "T", " ", ":", "30", ".", "123", "1234567890",
                                       "Z", "+", "-", "05:00", "0500", "/", "x", "١٢"]), max_size=14)


@settings(max_examples=400, deadline=None)
@given(pieces=ISO_PIECES)
def test_the_vectorised_iso_recogniser_agrees_with_the_regex(pieces):
    values = ["".join(pieces), "2014-05-09" + "".join(pieces), "2014-05-09T10:30" + "".join(pieces)]
    is_iso, has_zone = iso_shape(values)
    matches = [ISO_RE.fullmatch(v) for v in values]
    assert is_iso.tolist() == [m is not None for m in matches]
    assert has_zone.tolist() == [m is not None and m["zone"] is not None for m in matches]


def test_the_note_of_two_formats_reads_whole_in_russian(tmp_path):
    """The note is one message with its parts: a translator sees "%(rows)s as %(format)s" in
    plural forms, so no English joint (" as ", "rows") is left in a Russian reading."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po
    from babel.support import Translations

    from web.cli_language import TRANSLATIONS_DIR

    with (TRANSLATIONS_DIR / "ru" / "LC_MESSAGES" / "messages.po").open("rb") as f:
        catalog = read_po(f, locale="ru")
    target = tmp_path / "ru" / "LC_MESSAGES"
    target.mkdir(parents=True)
    with (target / "messages.mo").open("wb") as f:
        write_mo(f, catalog)
    ru = Translations.load(str(tmp_path), ["ru"], domain="messages")
    values, reading = read(export_column(), formats=EXPORT_FORMATS)
    (note,) = reading.notes("Date", tz=LA, ambiguous="latest")
    text = note.render(ru)
    assert "%m/%d/%Y %I:%M:%S %p" in text and "%Y/%d/%m" in text
    assert " as " not in text and "rows" not in text and "read" not in text
    assert "как" in text
