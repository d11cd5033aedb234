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
# --- The individual form (migration 0022, Order 641 items 5-6) ---------------------------------


def add_participant(connection, name: str = "Ainur", form: str = "individual") -> int:
    return connection.scalar(text(
        "INSERT INTO participant (full_name, birth_date, participation_form) VALUES (:n, '1990-01-01', :f) "
        "RETURNING id"), {"n": name, "f": form})


def assign_individual(connection, ids, participant: int, shift: str, status: str = "proposed"):
    return connection.scalar(text(
        "INSERT INTO assignment (participant_id, patrol_zone_id, regime, activity, shift, status, created_by) "
        "VALUES (:p, :z, 'order-641', '6.1', CAST(:shift AS tstzrange), :status, 'test') RETURNING id"),
        {"p": participant, "z": ids["zone"], "shift": shift, "status": status})


def test_an_assignment_names_exactly_one_of_a_formation_or_a_participant(connection, ids):
    person = add_participant(connection)
    assign_individual(connection, ids, person, "[2026-12-01 18:00+05, 2026-12-01 22:00+05)")
    with pytest.raises(IntegrityError, match="one_assignee"), connection.begin_nested():
        assign(connection, ids, "[2026-12-05 18:00+05, 2026-12-05 22:00+05)", participant_id=person)
    with pytest.raises(IntegrityError, match="one_assignee"), connection.begin_nested():
        connection.execute(text(
            "INSERT INTO assignment (patrol_zone_id, regime, activity, shift, created_by) VALUES "
            "(:z, 'order-641', '6.1', '[2026-12-06 18:00+05, 2026-12-06 22:00+05)', 'test')"), {"z": ids["zone"]})


def test_overlapping_live_shifts_of_one_participant_are_refused_by_the_database(connection, ids):
    person, other = add_participant(connection), add_participant(connection, "Berik", "both")
    assign_individual(connection, ids, person, "[2026-12-01 18:00+05, 2026-12-01 22:00+05)")
    with pytest.raises(IntegrityError, match="assignment_participant_no_double_booking"), \
            connection.begin_nested():
        assign_individual(connection, ids, person, "[2026-12-01 21:00+05, 2026-12-01 23:00+05)")
    # another participant, a back-to-back shift and one beside a cancelled shift are fine
    assign_individual(connection, ids, other, "[2026-12-01 21:00+05, 2026-12-01 23:00+05)")
    assign_individual(connection, ids, person, "[2026-12-01 22:00+05, 2026-12-02 01:00+05)")
    assign_individual(connection, ids, person, "[2026-12-03 18:00+05, 2026-12-03 22:00+05)", status="cancelled")
    assign_individual(connection, ids, person, "[2026-12-03 19:00+05, 2026-12-03 21:00+05)")


def test_a_participation_form_and_an_officer_service_come_from_closed_lists(connection, ids):
    with pytest.raises(IntegrityError, match="participation_form_closed_set"), connection.begin_nested():
        add_participant(connection, form="collective")
    unit = connection.scalar(text("SELECT id FROM police_unit LIMIT 1"))
    with pytest.raises(IntegrityError, match="service_closed_set"), connection.begin_nested():
        connection.execute(text("INSERT INTO officer (name, police_unit_id, service) VALUES ('O', :u, 'spy')"),
                           {"u": unit})
    connection.execute(text("INSERT INTO officer (name, police_unit_id, service) VALUES ('O', :u, 'juvenile')"),
                       {"u": unit})
    assert connection.scalar(text("SELECT participation_form FROM participant WHERE id = :p"),
                             {"p": connection.scalar(text(
                                 "INSERT INTO participant (full_name, birth_date) VALUES ('M', '1990-01-01') "
                                 "RETURNING id"))}) == "member"


def test_a_participant_account_is_linked_to_its_participant(connection, ids):
    sql = ("INSERT INTO user_account (login, full_name, password_hash, roles, participant_id) "
           "VALUES (:l, 'A', 'x', ARRAY['participant'], :p)")
    with pytest.raises(IntegrityError, match="participant_account_has_participant"), connection.begin_nested():
        connection.execute(text(sql), {"l": "ainur", "p": None})
    connection.execute(text(sql), {"l": "ainur", "p": add_participant(connection)})


def test_an_individual_given_an_item_8_activity_is_refused_by_the_database(connection, ids):
    """Rule collective-only, in the database too: items 5-8, the form of each activity from activity_type."""
    person = add_participant(connection)
    with pytest.raises(IntegrityError, match="assignment_collective_only|done only by a formation"), \
            connection.begin_nested():
        connection.execute(text(
            "INSERT INTO assignment (participant_id, patrol_zone_id, regime, activity, shift, created_by) VALUES "
            "(:p, :z, 'order-641', '8.1', '[2026-12-07 18:00+05, 2026-12-07 22:00+05)', 'test')"),
            {"p": person, "z": ids["zone"]})
    task = assign_individual(connection, ids, person, "[2026-12-07 18:00+05, 2026-12-07 22:00+05)")  # 6.1: fine
    with pytest.raises(IntegrityError, match="done only by a formation"), connection.begin_nested():
        connection.execute(text("UPDATE assignment SET activity = '8.4' WHERE id = :id"), {"id": task})
    assign(connection, ids, "[2026-12-08 18:00+05, 2026-12-08 22:00+05)")  # a formation on 8.1: fine
