"""The schema as the migrations leave it: typed geometries, indexes, constraints."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from geo.db import migrate
from geo.layers import LAYERS


def test_every_geometry_column_declares_its_type_and_srid_4326_and_has_a_gist_index(connection):
    columns = connection.execute(text(
        "SELECT f_table_name, f_geometry_column, type, srid FROM geometry_columns "
        "WHERE f_table_schema = 'public'")).all()
    assert {c.f_table_name for c in columns} >= set(LAYERS)
    assert all(c.srid == 4326 for c in columns)
    declared = {(c.f_table_name, c.f_geometry_column): c.type for c in columns}
    assert declared[("incident", "geom")] == "POINT"
    assert declared[("formation", "home_area")] == "MULTIPOLYGON"
    assert declared[("police_unit", "station")] == "POINT"
    gist = {(r.tablename, r.indexdef.split("(")[-1].rstrip(")")) for r in connection.execute(text(
        "SELECT tablename, indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexdef LIKE '%USING gist%'"))}
    missing = {(c.f_table_name, c.f_geometry_column) for c in columns} - gist
    assert not missing, f"geometry columns without a GiST index: {missing}"


@pytest.mark.parametrize("statement, constraint", [
    ("INSERT INTO public_place (name, kind, geom) VALUES ('x', 'checkpoint', 'SRID=4326;POINT(76.9 43.2)')",
     "kind_closed_set"),
    ("INSERT INTO event (name, kind, starts_at, ends_at, expected_attendance, geom) VALUES "
     "('x', 'mass', '2026-12-01 20:00+05', '2026-12-01 18:00+05', 10, "
     "'SRID=4326;POLYGON((76.9 43.2,77 43.2,77 43.3,76.9 43.2))')", "event_starts_before_ends"),
    ("INSERT INTO formation (name, base_type, notified_on, home_area) VALUES ('x', 'residence', '2024-01-01', "
     "'SRID=4326;MULTIPOLYGON(((76.9 43.2,77 43.2,77 43.3,76.9 43.2)))')", "notification_complete"),
    ("INSERT INTO district (name, geom) VALUES ('bowtie', "
     "'SRID=4326;MULTIPOLYGON(((0 0,1 1,1 0,0 1,0 0)))')", "geom_valid"),
    ("INSERT INTO incident (occurred_at, category, source, geom) VALUES (now(), 'theft', 'rumour', "
     "'SRID=4326;POINT(76.9 43.2)')", "source_closed_set"),
    ("INSERT INTO street_segment (length_m, speed_kmh, geom) VALUES (10, 0, "
     "'SRID=4326;LINESTRING(76.9 43.2,76.91 43.2)')", "street_segment_speed_positive"),
])
def test_the_database_refuses_values_outside_its_constraints(connection, statement, constraint):
    with pytest.raises(IntegrityError, match=constraint), connection.begin_nested():
        connection.execute(text(statement))


def test_a_geometry_of_the_wrong_type_or_srid_is_refused(connection):
    from sqlalchemy.exc import DataError

    for wrong in ("SRID=4326;POINT(76.9 43.2)", "SRID=3857;MULTIPOLYGON(((0 0,1 0,1 1,0 0)))"):
        with pytest.raises((DataError, IntegrityError)), connection.begin_nested():
            connection.execute(text("INSERT INTO district (name, geom) VALUES ('x', :g)"), {"g": wrong})


def test_migrations_go_down_to_nothing_and_up_again(connection):
    assert migrate.behind(connection) is None
    migrate.downgrade(connection=connection, revision="0001")
    assert "run `kuzet db upgrade`" in str(migrate.behind(connection))
    migrate.downgrade(connection=connection, revision="base")
    assert connection.scalar(text("SELECT to_regclass('public.incident')")) is None
    migrate.upgrade(connection=connection)
    assert connection.scalar(text("SELECT to_regclass('public.incident')")) is not None
    assert migrate.current(connection) is not None


def test_the_models_describe_the_migrated_tables_and_columns(connection):
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from geo.db.models import Base

    ctx = MigrationContext.configure(connection, opts={
        "include_object": lambda obj, name, type_, reflected, compare_to:
            type_ in ("table", "column") and name not in {"spatial_ref_sys"}})
    drift = [d for d in compare_metadata(ctx, Base.metadata)
             if not (isinstance(d, tuple) and d[0] in ("add_index", "remove_index"))]
    assert drift == []
