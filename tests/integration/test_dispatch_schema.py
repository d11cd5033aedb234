"""The database's own guard over assignments: one target, ordered shifts, no double booking."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError, InternalError, ProgrammingError

SQUARE = "SRID=4326;POLYGON((76.90 43.23,76.91 43.23,76.91 43.24,76.90 43.24,76.90 43.23))"


@pytest.fixture
def ids(connection):
    unit = connection.scalar(text(
        "INSERT INTO police_unit (name, jurisdiction) VALUES ('Unit', ST_Multi(:g)::geometry) RETURNING id"),
        {"g": SQUARE})
    formation = connection.scalar(text(
        "INSERT INTO formation (name, base_type, home_area) VALUES ('F', 'residence', ST_Multi(:g)::geometry) "
        "RETURNING id"), {"g": SQUARE})
    zone = connection.scalar(text("INSERT INTO patrol_zone (name, police_unit_id, geom) VALUES ('Z', :u, :g) "
                                  "RETURNING id"), {"u": unit, "g": SQUARE})
    return {"formation": formation, "zone": zone}


def assign(connection, ids, shift: str, status: str = "proposed", **extra):
    params = {"f": ids["formation"], "z": ids["zone"], "shift": shift, "status": status}
    cols = ", ".join(extra)
    vals = ", ".join(f":{k}" for k in extra)
    params.update(extra)
    sql = ("INSERT INTO assignment (formation_id, patrol_zone_id, regime, activity, shift, status, created_by"
           + (f", {cols}" if cols else "") + ") VALUES (:f, :z, 'order-641', '8.1', CAST(:shift AS tstzrange), "
           ":status, 'test'" + (f", {vals}" if vals else "") + ") RETURNING id")
    return connection.scalar(text(sql), params)


def test_overlapping_live_shifts_of_one_formation_are_refused_by_the_database(connection, ids):
    assign(connection, ids, "[2026-12-01 18:00+05, 2026-12-01 22:00+05)")
    with pytest.raises(IntegrityError, match="assignment_no_double_booking"), connection.begin_nested():
        assign(connection, ids, "[2026-12-01 21:00+05, 2026-12-01 23:00+05)")
    # back-to-back shifts and shifts overlapping a cancelled one are fine
    assign(connection, ids, "[2026-12-01 22:00+05, 2026-12-02 02:00+05)")
    assign(connection, ids, "[2026-12-03 18:00+05, 2026-12-03 22:00+05)", status="cancelled")
    assign(connection, ids, "[2026-12-03 19:00+05, 2026-12-03 21:00+05)")


def test_a_shift_must_start_before_it_ends_and_name_one_target(connection, ids):
    with pytest.raises(IntegrityError, match="shift_starts_before_ends"), connection.begin_nested():
        assign(connection, ids, "[2026-12-01 22:00+05, 2026-12-01 22:00+05)")  # empty
    with pytest.raises(IntegrityError, match="shift_starts_before_ends"), connection.begin_nested():
        assign(connection, ids, "[2026-12-01 22:00+05,)")  # open-ended
    with pytest.raises(IntegrityError, match="one_target"), connection.begin_nested():
        connection.execute(text(
            "INSERT INTO assignment (formation_id, regime, activity, shift, created_by) VALUES "
            "(:f, 'order-641', '8.1', '[2026-12-01 18:00+05, 2026-12-01 22:00+05)', 'test')"),
            {"f": ids["formation"]})


def test_the_assignment_history_is_append_only(connection, ids):
    connection.execute(text("INSERT INTO assignment_history (assignment_id, actor, action) VALUES (1, 'a', 'create')"))
    for statement in ("UPDATE assignment_history SET actor = 'b'", "DELETE FROM assignment_history"):
        with pytest.raises((ProgrammingError, InternalError), match="append-only"), connection.begin_nested():
            connection.execute(text(statement))


@pytest.mark.parametrize("regime, activity", [("order-641", "9.1"), ("order-641", "inspection"),
                                              ("order-2026", "8.1")])
def test_an_activity_outside_the_regimes_closed_list_is_refused_by_the_database(connection, ids, regime,
                                                                                 activity):
    """Law 590-II art. 7.1.1: no control or supervisory functions — nothing off the closed list is stored."""
    assign(connection, ids, "[2026-12-05 18:00+05, 2026-12-05 22:00+05)")  # 8.1 of order-641 is on it
    with pytest.raises(IntegrityError, match="assignment_activity_fkey"), connection.begin_nested():
        connection.execute(text(
            "INSERT INTO assignment (formation_id, patrol_zone_id, regime, activity, shift, created_by) VALUES "
            "(:f, :z, :regime, :activity, '[2026-12-06 18:00+05, 2026-12-06 22:00+05)', 'test')"),
            {"f": ids["formation"], "z": ids["zone"], "regime": regime, "activity": activity})
    with pytest.raises(IntegrityError, match="assignment_activity_fkey"), connection.begin_nested():
        connection.execute(text("DELETE FROM activity_type WHERE regime = 'order-641' AND code = '8.1'"))
