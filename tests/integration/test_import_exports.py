"""Real police exports through the import service and PostGIS: dates read as their authors wrote them,
mixed zones and DST hours reported per row, and --skip-invalid storing the good rows."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
import shapely
from shapely.geometry import box
from sqlalchemy import func, select, text

from geo import services
from geo.access import SYSTEM
from geo.db.models import District, ImportBatch, Incident
from geo.errors import InvalidInput
from geo.ingest.mapping import Mapping
from geo.ingest.validate import Extent

LA = "America/Los_Angeles"
EXPORT_FORMATS = ("%Y/%d/%m", "%m/%d/%Y %I:%M:%S %p")


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def export_csv(path, days=range(1, 32)):
    """May 2014 as a real export writes it: days 1-12 YYYY/DD/MM, days 13-31 MM/DD/YYYY hh:mm:ss AM."""
    lines = ["lon,lat,Date,category"]
    for d in days:
        when = f"2014/{d:02d}/05" if d <= 12 else f"05/{d:02d}/2014 {(d % 12) or 12:02d}:15:00 {'PM' if d % 2 else 'AM'}"
        lines.append(f"-122.41,37.77,{when},theft")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_the_mis_dated_export_is_refused_and_with_formats_lands_in_one_month(session, tmp_path):
    csv = export_csv(tmp_path / "may.csv")
    mapping = Mapping(fields={"occurred_at": "Date"}, timezone=LA)
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "incident", csv, actor=SYSTEM, mapping=mapping)
    assert len({e.row for e in bad.value.rows}) == 31
    assert "'2014/09/05' could be 5 September or 9 May" in next(e.reason for e in bad.value.rows if e.row == 9)
    assert all("--date-format" in e.reason for e in bad.value.rows)
    assert count(session, Incident) == 0
    result = services.import_layer(session, "incident", csv, actor=SYSTEM,
                                   mapping=Mapping(fields={"occurred_at": "Date"}, timezone=LA,
                                                   date_format=EXPORT_FORMATS))
    assert result.rows == 31
    assert "Date: 19 rows read as %m/%d/%Y %I:%M:%S %p, 12 as %Y/%d/%m" in map(str, result.notes)
    months = session.execute(text(
        "SELECT DISTINCT to_char(occurred_at AT TIME ZONE :tz, 'YYYY-MM') FROM incident"), {"tz": LA}).scalars().all()
    days = session.execute(text("SELECT count(DISTINCT (occurred_at AT TIME ZONE :tz)::date) FROM incident"),
                           {"tz": LA}).scalar()
    assert months == ["2014-05"] and days == 31


def test_a_column_mixing_zoned_and_zone_less_times_is_a_row_report(session, tmp_path):
    csv = tmp_path / "mixed.csv"
    csv.write_text("lon,lat,occurred_at,category\n"
                   "76.95,43.25,2026-11-01T18:30+05:00,theft\n"
                   "76.95,43.25,2026-11-01T19:30+06:00,theft\n"
                   "76.95,43.25,2026-11-01 20:30,theft\n", encoding="utf-8")
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "incident", csv, actor=SYSTEM)
    assert [(e.row, e.field) for e in bad.value.rows] == [(3, "occurred_at")]
    assert "has no UTC offset, while 2 other rows of this column have one" in bad.value.rows[0].reason
    assert count(session, Incident) == 0


DST_CSV = ("lon,lat,occurred_at,category\n"
           "-122.41,37.77,2012-11-04 01:30,theft\n"     # happens twice in Los Angeles
           "-122.41,37.77,2012-03-11 02:30,theft\n"     # never happens there
           "-122.41,37.77,2012-07-01 12:00,theft\n")


def stored_utc(session) -> list[str]:
    return session.execute(text("SELECT to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
                                "FROM incident ORDER BY id")).scalars().all()


def test_the_default_dst_reading_is_the_one_postgresql_gives(session, tmp_path):
    csv = tmp_path / "dst.csv"
    csv.write_text(DST_CSV, encoding="utf-8")
    result = services.import_layer(session, "incident", csv, actor=SYSTEM, mapping=Mapping(timezone=LA))
    assert any("1 row in a repeated hour (DST overlap) in America/Los_Angeles, read as the later instant" in str(n)
               for n in result.notes)
    cast = session.execute(text(
        "SELECT to_char((w::timestamp AT TIME ZONE :tz) AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') "
        "FROM unnest(ARRAY['2012-11-04 01:30', '2012-03-11 02:30', '2012-07-01 12:00']) WITH ORDINALITY AS t(w, i) "
        "ORDER BY i"), {"tz": LA}).scalars().all()
    assert stored_utc(session) == cast == ["2012-11-04 09:30", "2012-03-11 10:30", "2012-07-01 19:00"]


def test_earliest_reads_the_other_instant_and_refuse_names_the_rows(session, tmp_path):
    csv = tmp_path / "dst.csv"
    csv.write_text(DST_CSV, encoding="utf-8")
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "incident", csv, actor=SYSTEM, mapping=Mapping(timezone=LA, ambiguous="refuse"))
    assert [e.row for e in bad.value.rows] == [1, 2]
    assert "01:30 on 2012-11-04 happens twice in America/Los_Angeles" in bad.value.rows[0].reason
    assert any("refused (--ambiguous refuse)" in str(n) for n in bad.value.notes)
    services.import_layer(session, "incident", csv, actor=SYSTEM, mapping=Mapping(timezone=LA, ambiguous="earliest"))
    assert stored_utc(session) == ["2012-11-04 08:30", "2012-03-11 09:30", "2012-07-01 19:00"]


def good_and_bad_csv(path, good=50, without_coordinates=7):
    """``good`` rows, and every eighth row after them one without coordinates (as in the police export)."""
    lines, bad_rows = ["lon,lat,occurred_at,category,note"], []
    for i in range(good + without_coordinates):
        if i % 8 == 7 and len(bad_rows) < without_coordinates:
            lines.append(f",,2026-11-01 10:{i % 60:02d},theft,no place {i}")
            bad_rows.append(i + 1)
        else:
            lines.append(f"{76.90 + i / 1000:.3f},43.25,2026-11-01 10:{i % 60:02d},theft,row {i}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, bad_rows


def test_skip_invalid_stores_the_good_rows_and_writes_the_rejected_ones(session, tmp_path):
    csv, bad_rows = good_and_bad_csv(tmp_path / "export.csv")
    with pytest.raises(InvalidInput):  # without the option: all or nothing
        services.import_layer(session, "incident", csv, actor=SYSTEM)
    assert count(session, Incident) == 0
    result = services.import_layer(session, "incident", csv, actor=SYSTEM, skip_invalid=True,
                                   rejected=tmp_path / "rej.csv")
    assert (result.rows, result.rejected) == (50, 7)
    assert count(session, Incident) == 50
    assert session.get(ImportBatch, result.import_id).row_count == 50
    assert session.scalar(select(func.count()).where(Incident.description.is_(None))) == 50
    rejected = pd.read_csv(result.rejected_file, dtype=str, keep_default_na=False)
    assert list(rejected.columns) == ["lon", "lat", "occurred_at", "category", "note", "row", "reason"]
    assert rejected["row"].astype(int).tolist() == bad_rows
    assert rejected["note"].str.startswith("no place").all() and (rejected["lon"] == "").all()
    assert rejected["reason"].tolist() == [
        "geometry: geometry is missing or empty; lat: missing coordinate; lon: missing coordinate"] * 7


def test_skip_invalid_with_nothing_valid_stores_nothing(session, tmp_path):
    csv = tmp_path / "nowhere.csv"
    csv.write_text("lon,lat,occurred_at,category\n,,2026-11-01,theft\n,,2026-11-02,theft\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"2 of 2 rows \(every row\) are not valid"):
        services.import_layer(session, "incident", csv, actor=SYSTEM, skip_invalid=True, rejected=tmp_path / "r.csv")
    assert count(session, Incident) == 0 and count(session, ImportBatch) == 0
    assert not (tmp_path / "r.csv").exists()


def test_skip_invalid_leaves_out_rows_of_every_check_alike(session, tmp_path):
    services.import_frame(session, "district", gpd.GeoDataFrame({"name": ["Almaly"]},
                                                                geometry=[box(76.85, 43.20, 77.00, 43.30)], crs=4326),
                          name="districts", actor=SYSTEM)
    first = tmp_path / "first.csv"
    first.write_text("lon,lat,occurred_at,category,source,external_id\n"
                     "76.95,43.25,2026-11-01,theft,police-record,A-1\n", encoding="utf-8")
    services.import_layer(session, "incident", first, actor=SYSTEM)
    csv = tmp_path / "second.csv"
    csv.write_text("lon,lat,occurred_at,category,source,external_id\n"
                   "76.95,43.25,2026-11-02,theft,police-record,A-1\n"     # 1 stored already
                   "-122.4,37.8,2026-11-02,theft,police-record,A-2\n"     # 2 outside the area
                   "76.95,43.25,2026/11/02,theft,police-record,A-3\n"     # 3 an ambiguous date
                   "76.96,43.26,2026-11-02,theft,police-record,A-4\n",    # 4 good
                   encoding="utf-8")
    result = services.import_layer(session, "incident", csv, actor=SYSTEM, skip_invalid=True,
                                   rejected=tmp_path / "second.rejected.csv")
    assert (result.rows, result.rejected) == (1, 3)
    assert sorted({e.row for e in result.problems}) == [1, 2, 3]
    assert session.execute(select(Incident.external_id).order_by(Incident.id)).scalars().all() == ["A-1", "A-4"]
    # with --on-duplicate update a rejected row replaces nothing; a kept one replaces its stored record
    again = tmp_path / "third.csv"
    again.write_text("lon,lat,occurred_at,category,source,external_id\n"
                     "76.97,43.27,2026-11-03,robbery,police-record,A-1\n"
                     ",,2026-11-03,robbery,police-record,A-4\n", encoding="utf-8")
    result = services.import_layer(session, "incident", again, actor=SYSTEM, skip_invalid=True,
                                   on_duplicate="update", rejected=tmp_path / "third.rejected.csv")
    assert (result.rows, result.rejected, result.replaced) == (1, 1, 1)
    stored = dict(session.execute(select(Incident.external_id, Incident.category)).all())
    assert stored == {"A-1": "robbery", "A-4": "theft"}


def test_skip_invalid_repeats_a_vector_files_attributes_and_geometry(session, tmp_path):
    frame = gpd.GeoDataFrame({"name": ["Almaly", "Medeu", "Almaly"]},
                             geometry=[box(76.85, 43.20, 76.90, 43.25), None, box(76.90, 43.20, 76.95, 43.25)],
                             crs=4326)
    path = tmp_path / "districts.geojson"
    frame.to_file(path, driver="GeoJSON")
    result = services.import_layer(session, "district", path, actor=SYSTEM, skip_invalid=True,
                                   rejected=tmp_path / "districts.rejected.csv", extent=Extent(-180, -90, 180, 90))
    assert (result.rows, result.rejected) == (1, 2)
    assert session.execute(select(District.name)).scalars().all() == ["Almaly"]
    rejected = pd.read_csv(result.rejected_file)
    assert rejected["row"].tolist() == [2, 3]
    assert "geometry is missing" in rejected["reason"][0] and "'Almaly' repeats row 1" in rejected["reason"][1]
    assert shapely.from_wkt(rejected["geometry"][1]).equals(box(76.90, 43.20, 76.95, 43.25))
