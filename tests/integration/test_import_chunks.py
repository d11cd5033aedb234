"""Files larger than one chunk: read, validated and stored a chunk at a time, reported and stored
exactly as if read whole (row numbers of the file, keys and unique values across chunks, all or none)."""
from __future__ import annotations

import geopandas as gpd
import pandas as pd
import pytest
from shapely.geometry import box
from sqlalchemy import func, select

from geo import services
from geo.access import SYSTEM
from geo.db.models import District, ImportBatch, Incident
from geo.errors import InvalidInput
from geo.ingest.readers import read_chunks, read_source
from geo.settings import ImportSettings

CHUNKED = ImportSettings(chunk_rows=10)
WHOLE = ImportSettings(chunk_rows=1_000_000)
HEADER = "lon,lat,occurred_at,category,source,external_id,weight"


def count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def incidents_csv(path, rows=45, bad=(), keys=None):
    """``rows`` incidents; the rows (1-based) in ``bad`` are broken, each its own way."""
    lines = [HEADER]
    for r in range(1, rows + 1):
        lon, lat, when, source, weight = f"{76.90 + r / 1000:.3f}", "43.25", f"2026-11-01 10:{r % 60:02d}", \
            "police-record", "1"
        if r in bad:
            kind = bad.index(r) % 4
            if kind == 0:
                lon = lat = ""
            elif kind == 1:
                when = "01/11/2026"
            elif kind == 2:
                source = "rumour"
            else:
                weight = "-2"
        key = keys(r) if keys else f"K-{r}"
        lines.append(f"{lon},{lat},{when},theft,{source},{key},{weight}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def problems(session, csv, settings, **kw):
    with pytest.raises(InvalidInput) as refused:
        services.import_layer(session, "incident", csv, actor=SYSTEM, settings=settings, again=True, **kw)
    return refused.value


def test_read_chunks_give_the_file_in_parts_with_their_offsets(tmp_path):
    csv = incidents_csv(tmp_path / "many.csv", bad=(4, 9, 16, 18, 27))  # no coordinates: 4 and 27
    whole = read_source(csv)
    chunks = list(read_chunks(csv, chunk_rows=10))
    assert [c.offset for c in chunks] == [0, 2, 12, 22, 32, 42]  # the first chunk is a fifth of the others
    assert [len(c.frame) for c in chunks] == [2, 10, 10, 10, 10, 3]
    joined = pd.concat([c.frame for c in chunks], ignore_index=True)
    pd.testing.assert_frame_equal(pd.DataFrame(joined.drop(columns="geometry")),
                                  pd.DataFrame(whole.frame.drop(columns="geometry")))
    assert joined.geometry.equals(whole.frame.geometry)
    # a chunk's own errors number its rows: row 4 of the file is row 2 of chunk 2, 27 is row 5 of chunk 4
    assert [(i, e.row) for i, c in enumerate(chunks) for e in c.errors][::2] == [(1, 2), (3, 5)]


def test_bad_rows_in_several_chunks_are_each_reported_with_the_files_row_numbers_and_nothing_stored(
        session, tmp_path):
    csv = incidents_csv(tmp_path / "bad.csv", bad=(23, 24, 37, 44))  # chunks 4, 5 and 6: 1 to 3 were stored
    chunked = problems(session, csv, CHUNKED)
    whole = problems(session, csv, WHOLE)
    assert chunked.rows == whole.rows  # the same problems, the same row numbers, the same order
    assert sorted({e.row for e in chunked.rows}) == [23, 24, 37, 44]
    assert {e.row: e.field for e in chunked.rows if e.field in ("occurred_at", "source", "weight")} == {
        24: "occurred_at", 37: "source", 44: "weight"}
    assert "4 of 45 rows are not valid" in chunked.message
    assert count(session, Incident) == 0 and count(session, ImportBatch) == 0
    assert chunked.notes == whole.notes and "44 rows read as ISO 8601" in str(chunked.notes[0])


def test_the_same_file_good_is_stored_whole_in_file_order(session, tmp_path):
    csv = incidents_csv(tmp_path / "good.csv")
    result = services.import_layer(session, "incident", csv, actor=SYSTEM, settings=CHUNKED)
    assert result.rows == 45 and count(session, Incident) == 45
    assert session.get(ImportBatch, result.import_id).row_count == 45
    keys = session.scalars(select(Incident.external_id).order_by(Incident.id)).all()
    assert keys == [f"K-{r}" for r in range(1, 46)]
    assert tuple(map(str, result.notes)) == ("occurred_at: 45 rows read as ISO 8601",)
    assert session.scalar(select(func.count()).where(Incident.import_id == result.import_id)) == 45


def test_keys_repeated_within_a_file_across_chunks_are_one_record_and_stored_ones_are_caught_in_every_chunk(
        session, tmp_path):
    shared = tmp_path / "shared.csv"  # K-2 at rows 2 and 15: one record, two offences, two chunks
    incidents_csv(shared, rows=20, keys=lambda r: "K-2" if r == 15 else f"K-{r}")
    assert services.import_layer(session, "incident", shared, actor=SYSTEM, settings=CHUNKED).rows == 20
    later = tmp_path / "later.csv"  # K-2 again at rows 2 and 25 (chunks 1 and 4), the rest new
    incidents_csv(later, rows=30, keys=lambda r: "K-2" if r in (2, 25) else f"N-{r}")
    refused = problems(session, later, CHUNKED)
    assert [(e.row, e.field) for e in refused.rows] == [(2, "external_id"), (25, "external_id")]
    assert all("police-record / K-2 is stored already" in e.reason for e in refused.rows)
    assert count(session, Incident) == 20
    result = services.import_layer(session, "incident", later, actor=SYSTEM, settings=CHUNKED,
                                   on_duplicate="update")
    # the two stored K-2 rows are replaced; chunk 4 does not delete the K-2 row chunk 1 just stored
    assert (result.rows, result.replaced) == (30, 2)
    k2 = session.scalars(select(Incident.import_id).where(Incident.external_id == "K-2")).all()
    assert k2 == [result.import_id, result.import_id]
    assert count(session, Incident) == 20 - 2 + 30


def test_skip_invalid_across_chunks_stores_the_rest_and_writes_every_rejected_row(session, tmp_path):
    bad = (3, 18, 19, 41)
    csv = incidents_csv(tmp_path / "export.csv", bad=bad)
    result = services.import_layer(session, "incident", csv, actor=SYSTEM, settings=CHUNKED, skip_invalid=True,
                                   rejected=tmp_path / "rejected.csv")
    assert (result.rows, result.rejected) == (41, 4)
    assert count(session, Incident) == 41
    assert session.get(ImportBatch, result.import_id).row_count == 41
    stored = set(session.scalars(select(Incident.external_id)))
    assert stored == {f"K-{r}" for r in range(1, 46) if r not in bad}
    rejected = pd.read_csv(result.rejected_file, dtype=str, keep_default_na=False)
    assert rejected["row"].astype(int).tolist() == list(bad)
    assert rejected["external_id"].tolist() == [f"K-{r}" for r in bad]  # each row's own values, as read
    assert rejected["reason"].str.contains("occurred_at").tolist() == [False, True, False, False]


def test_unique_names_are_checked_across_the_chunks_of_a_vector_file(session, tmp_path):
    names = [f"D-{i}" for i in range(1, 26)]
    names[21] = "D-3"  # row 22 repeats row 3, two chunks later
    frame = gpd.GeoDataFrame({"name": names}, crs=4326,
                             geometry=[box(76 + i / 10, 43, 76.05 + i / 10, 43.05) for i in range(25)])
    path = tmp_path / "districts.gpkg"
    frame.to_file(path, driver="GPKG")
    assert [c.offset for c in read_chunks(path, chunk_rows=10)] == [0, 2, 12, 22]
    with pytest.raises(InvalidInput) as refused:
        services.import_layer(session, "district", path, actor=SYSTEM, settings=CHUNKED)
    assert [(e.row, e.reason) for e in refused.value.rows] == [(22, "'D-3' repeats row 3")]
    assert count(session, District) == 0
    names[21] = "D-22"
    frame.assign(name=names).to_file(path, driver="GPKG")
    assert services.import_layer(session, "district", path, actor=SYSTEM, settings=CHUNKED).rows == 25
    assert session.scalars(select(District.name).order_by(District.id)).all() == names
