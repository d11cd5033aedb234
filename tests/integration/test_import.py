"""Imports of real files into the real PostGIS: all rows in one transaction, or none."""
from __future__ import annotations

import zipfile

import geopandas as gpd
import pytest
from click.testing import CliRunner
from sqlalchemy import func, select, text

from geo import services
from geo.access import SYSTEM
from geo.db.models import District, Incident, ImportBatch
from geo.errors import InvalidInput
from geo.ingest.mapping import Mapping, load_mapping

SF_MAPPING = Mapping(fields={"occurred_at": "Date", "category": "Category", "description": "Descript",
                             "external_id": "IncidntNum"},
                     constants={"source": "police-record"}, timezone="America/Los_Angeles")


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


@pytest.mark.realdata
def test_the_san_francisco_incident_csv_stores_13472_rows(session, shared_data):
    result = services.import_layer(session, "incident", shared_data / "sf_crime_2012/sf_crime_jul_dec_2012_points.csv",
                                   mapping=SF_MAPPING, actor=SYSTEM)
    assert result.rows == 13472
    assert count(session, Incident) == 13472
    bounds = session.execute(text("SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) "
                                  "FROM (SELECT ST_Extent(geom)::geometry e FROM incident) s")).one()
    assert -122.52 < bounds[0] < bounds[2] < -122.35 and 37.70 < bounds[1] < bounds[3] < 37.82
    first = session.scalar(select(func.min(Incident.occurred_at)))
    assert first.isoformat().startswith("2012-07-01T07:00")  # midnight in San Francisco is 07:00 UTC
    assert session.get(ImportBatch, result.import_id).row_count == 13472


@pytest.mark.realdata
def test_a_state_plane_shapefile_is_reprojected_and_a_zipped_one_reads_the_same(session, shared_data, tmp_path):
    drugs = shared_data / "sf_crime_2012" / "sf_drugs.shp"
    archive = tmp_path / "sf_drugs.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        for part in ("shp", "shx", "dbf", "prj"):
            zf.write(drugs.with_suffix(f".{part}"), f"sf_drugs.{part}")
    mapping = Mapping(fields={"occurred_at": "Date", "category": "Category"}, timezone="America/Los_Angeles")
    plain = services.import_layer(session, "incident", drugs, mapping=mapping, actor=SYSTEM)
    zipped = services.import_layer(session, "incident", archive, mapping=mapping, actor=SYSTEM)
    assert plain.rows == zipped.rows == len(gpd.read_file(drugs)) > 3000
    assert "2227" in plain.source_crs
    same = session.scalar(text(
        "SELECT count(*) FROM incident a JOIN incident b ON a.import_id = :a AND b.import_id = :b "
        "AND a.id - (SELECT min(id) FROM incident WHERE import_id = :a) "
        "  = b.id - (SELECT min(id) FROM incident WHERE import_id = :b) AND ST_Equals(a.geom, b.geom)"),
        {"a": plain.import_id, "b": zipped.import_id})
    assert same == plain.rows


@pytest.mark.realdata
def test_almaty_districts_from_a_geopackage_and_kazakh_regions_with_repair(session, shared_data, tmp_path):
    gpkg = tmp_path / "almaty.gpkg"
    gpd.read_file(shared_data / "almaty/almaty_districts.geojson").to_file(gpkg, layer="districts", driver="GPKG")
    assert services.import_layer(session, "district", gpkg, actor=SYSTEM).rows == 8
    regions = shared_data / "kazakhstan/kz-adm1.geojson"
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "district", regions, mapping=Mapping(fields={"name": "ADM1_EN"}), actor=SYSTEM)
    assert [(e.row, e.field) for e in bad.value.rows] == [(20, "geometry")]
    assert count(session, District) == 8
    result = services.import_layer(session, "district", regions,
                                   mapping=Mapping(fields={"name": "ADM1_EN"}, repair=True), actor=SYSTEM)
    assert result.rows == 20
    assert session.scalar(text("SELECT bool_and(ST_IsValid(geom)) FROM district")) is True


def test_a_file_with_bad_rows_stores_none_and_lists_each(session, tmp_path):
    csv = tmp_path / "reports.csv"
    csv.write_text(
        "lon,lat,occurred_at,category,source\n"
        "76.95,43.25,2026-11-01 18:30,theft,citizen-report\n"        # 1 good
        ",43.25,2026-11-01 18:30,theft,import\n"                     # 2 missing lon
        "76.95,43.25,not a date,theft,import\n"                      # 3 bad date
        "76.95,43.25,2026-11-01 18:30,,import\n"                     # 4 missing category
        "76.95,43.25,2026-11-01 18:30,theft,rumour\n"                # 5 closed set
        "276.95,43.25,2026-11-01 18:30,theft,import\n"               # 6 out of range
        "abc,43.25,2026-11-01 18:30,theft,import\n"                  # 7 not a number
        "76.96,43.26,2026-11-02 09:00,robbery,import\n",             # 8 good
        encoding="utf-8")
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "incident", csv, actor=SYSTEM)
    rows = {e.row: (e.field, e.reason) for e in bad.value.rows}
    assert sorted(rows) == [2, 3, 4, 5, 6, 7]
    assert rows[2] == ("lon", "missing coordinate")
    assert rows[3][0] == "occurred_at" and "cannot read 'not a date'" in rows[3][1]
    assert rows[4] == ("category", "required value is missing")
    assert rows[5][0] == "source" and "'rumour' is not one of" in rows[5][1]
    assert rows[6][0] == "geometry" and "outside the valid range" in rows[6][1]
    assert rows[7] == ("lon", "not a number: 'abc'")
    assert "6 of 8 rows are not valid" in bad.value.message
    assert count(session, Incident) == 0
    assert count(session, ImportBatch) == 0


def test_a_csv_with_wkt_and_a_mapping_file(session, tmp_path):
    csv = tmp_path / "zones.csv"
    csv.write_text('zone,shape\nStation square,"POLYGON((76.94 43.27,76.95 43.27,76.95 43.28,76.94 43.28,76.94 43.27))"\n',
                   encoding="utf-8")
    toml = tmp_path / "zones.toml"
    toml.write_text('srid = 4326\nwkt = "shape"\n[fields]\nname = "zone"\n[set]\nnote = "drawn by hand"\n')
    result = services.import_layer(session, "patrol_zone", csv, mapping=load_mapping(toml), actor=SYSTEM)
    assert result.rows == 1
    assert session.execute(text("SELECT name, note, GeometryType(geom) FROM patrol_zone")).one() == (
        "Station square", "drawn by hand", "POLYGON")


def test_a_file_without_crs_needs_an_epsg_code(session, tmp_path):
    csv = tmp_path / "xy.csv"
    csv.write_text("x,y,name\n500000,4790000,A\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match="declares no coordinate reference system"):
        services.import_layer(session, "district", csv, actor=SYSTEM)
    with pytest.raises(InvalidInput) as bad:
        services.import_layer(session, "district", csv, mapping=Mapping(srid=32643), actor=SYSTEM)
    assert "a Point does not fit layer district" in bad.value.rows[0].reason


def test_the_cli_reports_bad_rows_and_exits_1_and_stores_good_files(engine, tmp_path, monkeypatch):
    from web.cli import main

    url = engine.url.render_as_string(hide_password=False)
    bad = tmp_path / "bad.csv"
    bad.write_text("lon,lat,occurred_at,category\n76.9,43.2,soon,theft\n", encoding="utf-8")
    runner = CliRunner()
    out = runner.invoke(main, ["--database-url", url, "import", "incident", str(bad)])
    assert out.exit_code == 1
    assert "row 1: occurred_at: cannot read 'soon'" in out.output
    good = tmp_path / "good.csv"
    good.write_text("lon,lat,occurred_at,category\n76.9,43.2,2026-11-01 10:00,theft\n", encoding="utf-8")
    out = runner.invoke(main, ["--database-url", url, "import", "incident", str(good), "--dry-run"])
    assert out.exit_code == 0, out.output
    assert "1 row of good.csv (EPSG:4326) validated (dry run, nothing stored)" in out.output
    with engine.connect() as conn:
        assert conn.scalar(text("SELECT count(*) FROM incident")) == 0
