"""Imports refuse what would go in wrong: rows outside the area, repeated files and records, broken
shapefiles, numbers past the database's range; CSVs from Excel read right; a lost connection is one line."""
from __future__ import annotations

import struct

import geopandas as gpd
import pytest
from click.testing import CliRunner
from shapely.geometry import Point, box
from sqlalchemy import func, select, text

from geo import services
from geo.access import SYSTEM
from geo.db.models import Event, ImportBatch, Incident
from geo.errors import InvalidInput
from geo.ingest.mapping import Mapping
from geo.ingest.validate import Extent

ALMATY = box(76.85, 43.20, 77.00, 43.30)  # one district, enough for the city's extent


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def store_district(session) -> None:
    services.import_frame(session, "district", gpd.GeoDataFrame({"name": ["Almaly"]}, geometry=[ALMATY],
                                                                 crs=4326), name="districts", actor=SYSTEM)


def write(path, text: str, encoding="utf-8"):
    path.write_bytes(text.encode(encoding))
    return path


def test_rows_outside_the_districts_are_refused_and_swapped_coordinates_are_named(session, tmp_path):
    store_district(session)
    csv = write(tmp_path / "points.csv",
                "lon,lat,occurred_at,category\n"
                "76.95,43.25,2026-11-01 18:30,theft\n"      # 1 in the city
                "43.25,76.95,2026-11-01 18:30,theft\n"      # 2 lat/lon swapped: the Arctic
                "-122.4,37.8,2026-11-01 18:30,theft\n"      # 3 San Francisco
                "77.15,43.30,2026-11-01 18:30,theft\n")     # 4 outside the district, within the margin
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "incident", csv, actor=SYSTEM)
    rows = {e.row: (e.field, e.reason) for e in bad.value.rows}
    assert sorted(rows) == [2, 3]
    assert rows[2][0] == "geometry" and "outside the layer's area" in rows[2][1] and "swapped" in rows[2][1]
    assert "swapped" not in rows[3][1]
    assert count(session, Incident) == 0 and count(session, ImportBatch) == 1  # the district's
    # an explicit extent replaces the districts' one
    result = services.import_layer(session, "incident", csv, actor=SYSTEM,
                                   extent=Extent.parse("-180,-90,180,90"))
    assert result.rows == 4


def test_without_districts_only_a_given_extent_is_checked(session, tmp_path):
    csv = write(tmp_path / "sf.csv", "lon,lat,occurred_at,category\n-122.4,37.8,2012-07-01,theft\n")
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "incident", csv, actor=SYSTEM, extent=Extent.parse("76.5,43,77.5,43.6"))
    assert [(e.row, e.field) for e in bad.value.rows] == [(1, "geometry")]
    assert services.import_layer(session, "incident", csv, actor=SYSTEM).rows == 1


def test_a_semicolon_separated_cp1251_csv_with_cyrillic_names_imports_right(session, tmp_path):
    csv = write(tmp_path / "excel.csv",
                "lon;lat;occurred_at;category;description\n"
                "76,95;43,25;01.11.2026 18:30;кража;Угон велосипеда у ТРЦ «Мега»\n"
                "76,96;43,26;02.11.2026 09:00;грабёж;Алмалинский район\n", encoding="cp1251")
    with pytest.raises(UnicodeDecodeError):
        csv.read_text(encoding="utf-8")
    result = services.import_layer(session, "incident", csv, actor=SYSTEM)
    assert result.rows == 2
    stored = session.execute(text("SELECT category, description, ST_X(geom), ST_Y(geom) FROM incident "
                                  "ORDER BY id")).all()
    assert stored == [("кража", "Угон велосипеда у ТРЦ «Мега»", 76.95, 43.25),
                      ("грабёж", "Алмалинский район", 76.96, 43.26)]


def test_an_explicit_delimiter_and_encoding_are_used_and_a_wrong_one_is_a_clear_error(session, tmp_path):
    csv = write(tmp_path / "pipes.csv", "lon|lat|occurred_at|category\n76.95|43.25|2026-11-01|Hitze 20°\n",
                encoding="latin-1")
    with pytest.raises(InvalidInput, match="is not UTF-8.*--encoding"):
        services.import_layer(session, "incident", csv, actor=SYSTEM)
    result = services.import_layer(session, "incident", csv, actor=SYSTEM,
                                   mapping=Mapping(delimiter="|", encoding="latin-1"))
    assert result.rows == 1
    assert session.scalar(select(Incident.category)) == "Hitze 20°"
    with pytest.raises(InvalidInput, match="unknown encoding 'klingon'"):
        services.import_layer(session, "incident", csv, actor=SYSTEM, mapping=Mapping(encoding="klingon"))


WHEN = Mapping(fields={"occurred_at": "when"})


def _shapefile(tmp_path, name="points"):
    frame = gpd.GeoDataFrame({"when": [f"2026-11-0{i + 1}" for i in range(5)], "category": ["theft"] * 5},
                             geometry=[Point(76.9 + i / 100, 43.25) for i in range(5)], crs=4326)
    path = tmp_path / f"{name}.shp"
    frame.to_file(path, engine="pyogrio")
    return path


def _dbf_set_count(dbf, records: int, *, body: bytes | None = None) -> None:
    data = bytearray(dbf.read_bytes())
    data[4:8] = struct.pack("<I", records)
    if body is not None:
        data = data[:-1] + body + b"\x1a" if data.endswith(b"\x1a") else data + body
    dbf.write_bytes(bytes(data))


@pytest.mark.parametrize("change", ["truncated", "extended", "truncated, no .shx"])
def test_a_shapefile_whose_dbf_disagrees_with_its_shp_is_refused(session, tmp_path, change):
    shp = _shapefile(tmp_path)
    assert services.import_layer(session, "incident", shp, actor=SYSTEM, mapping=WHEN).rows == 5
    dbf = shp.with_suffix(".dbf")
    data = dbf.read_bytes()
    header, record = struct.unpack("<HH", data[8:12])
    if change.startswith("truncated"):
        dbf.write_bytes(data[:header + 4 * record])  # four records of five, the count saying so
        _dbf_set_count(dbf, 4)
        if change.endswith("no .shx"):
            shp.with_suffix(".shx").unlink()  # the .shp's own records are counted
    else:
        _dbf_set_count(dbf, 6, body=data[header:header + record])
    with pytest.raises(InvalidInput, match=r"the \.shp holds 5 shapes but the \.dbf (4|6) records"):
        services.import_layer(session, "incident", shp, actor=SYSTEM, mapping=WHEN, again=True)
    assert count(session, Incident) == 5


def test_an_integer_past_the_database_range_is_a_row_error(session, tmp_path):
    square = "POLYGON((76.94 43.27,76.95 43.27,76.95 43.28,76.94 43.28,76.94 43.27))"
    csv = write(tmp_path / "events.csv",
                "name,kind,starts_at,ends_at,expected_attendance,wkt\n"
                f'Concert,mass,2026-12-01 18:00,2026-12-01 22:00,99999999999,"{square}"\n'
                f'Match,mass,2026-12-02 18:00,2026-12-02 22:00,500,"{square}"\n')
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "event", csv, actor=SYSTEM, mapping=Mapping(srid=4326))
    assert [(e.row, e.field) for e in bad.value.rows] == [(1, "expected_attendance")]
    assert "outside the range" in bad.value.rows[0].reason
    assert count(session, Event) == 0


RECORDS = ("lon,lat,occurred_at,category,external_id,source\n"
           "76.95,43.25,2026-11-01,theft,A-1,police-record\n"
           "76.95,43.25,2026-11-01,assault,A-1,police-record\n"   # one incident number, two offences
           "76.96,43.26,2026-11-02,theft,A-2,police-record\n")


def test_a_repeated_file_is_refused_unless_again_and_known_records_are_refused_or_replaced(session, tmp_path):
    csv = write(tmp_path / "records.csv", RECORDS)
    first = services.import_layer(session, "incident", csv, actor=SYSTEM)
    assert first.rows == 3
    with pytest.raises(InvalidInput, match=r"imported into layer incident before .*--again"):
        services.import_layer(session, "incident", csv, actor=SYSTEM)
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "incident", csv, actor=SYSTEM, again=True)
    assert [(e.row, e.field) for e in bad.value.rows] == [(1, "external_id"), (2, "external_id"), (3, "external_id")]
    assert "police-record / A-1 is stored already" in bad.value.rows[0].reason
    assert count(session, Incident) == 3
    corrected = write(tmp_path / "corrected.csv", RECORDS.replace("2026-11-02,theft", "2026-11-02,robbery")
                      + "76.97,43.27,2026-11-03,theft,A-3,police-record\n")
    result = services.import_layer(session, "incident", corrected, actor=SYSTEM, on_duplicate="update")
    assert (result.rows, result.replaced) == (4, 3)
    assert session.execute(text("SELECT external_id, category FROM incident ORDER BY external_id, category")).all() == [
        ("A-1", "assault"), ("A-1", "theft"), ("A-2", "robbery"), ("A-3", "theft")]
    # the same number from another source is another record
    other = write(tmp_path / "citizens.csv", RECORDS.replace("police-record", "citizen-report"))
    assert services.import_layer(session, "incident", other, actor=SYSTEM).rows == 3


def test_the_cli_ends_a_lost_connection_with_one_line_and_stores_nothing(engine, tmp_path, monkeypatch):
    import web.cli
    from geo.progress import silent

    def kill_the_import(*, total, desc):
        with engine.connect() as conn:
            killed = conn.scalar(text(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND query ILIKE 'INSERT INTO import_batch%'"))
        assert killed == 1
        return silent(total=total, desc=desc)

    monkeypatch.setattr(web.cli, "terminal_progress", kill_the_import)
    csv = write(tmp_path / "records.csv", RECORDS)
    url = engine.url.render_as_string(hide_password=False)
    out = CliRunner().invoke(web.cli.main, ["--database-url", url, "import", "incident", str(csv)])
    assert out.exit_code == 1, out.output
    lines = out.output.strip().splitlines()
    assert len(lines) == 1 and "database connection was lost" in lines[0] and "nothing was stored" in lines[0]
    assert "Traceback" not in out.output
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM incident")) == 0
        assert conn.scalar(text("SELECT count(*) FROM import_batch")) == 0


def test_an_update_replaces_thousands_of_records_in_one_import(session, tmp_path):
    lines = ["lon,lat,occurred_at,category,external_id"] + [
        f"76.9{i % 10},43.2{i % 7},2026-11-01,theft,N-{i}" for i in range(12_000)]
    csv = write(tmp_path / "many.csv", "\n".join(lines) + "\n")
    assert services.import_layer(session, "incident", csv, actor=SYSTEM).rows == 12_000
    result = services.import_layer(session, "incident", csv, actor=SYSTEM, again=True, on_duplicate="update")
    assert (result.rows, result.replaced) == (12_000, 12_000)
    assert count(session, Incident) == 12_000
