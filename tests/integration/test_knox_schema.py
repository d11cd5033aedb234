"""Migration 0029: analysis_run.method admits 'knox' beside the hot spot methods, and nothing else."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

INSERT = text("INSERT INTO analysis_run (method, parameters, selection, incident_count, cell_count, created_by) "
              "VALUES (:method, '{}', '{}', 0, 0, 'test')")


@pytest.mark.parametrize("method", ["gi_star", "local_moran", "kde", "emerging", "knox"])
def test_the_known_methods_are_stored(session, method):
    session.execute(INSERT, {"method": method})
    session.flush()


def test_an_unknown_method_is_refused_by_the_database(session):
    with pytest.raises(IntegrityError, match="method_closed_set"):
        with session.begin_nested():
            session.execute(INSERT, {"method": "near_repeat"})
