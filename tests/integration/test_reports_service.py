"""Field reports against PostGIS: what is stored, what is refused, who sees which report."""
from __future__ import annotations

import io
from datetime import timedelta

import pandas as pd
import pyogrio
import pytest
from sqlalchemy import func, select

from geo.access import SYSTEM
from geo.db.models import AuditLog, FieldReport
from geo.errors import Forbidden, InvalidInput, NotFound
from geo.services import file_report, list_reports, report, reports_csv

from tests.support.leader_world import ELSEWHERE, INSIDE, OUTSIDE, lw  # noqa: F401  (fixture)


def _file(session, who, lw, **changes):
    values = {"category": "offence-prevented", "lon": INSIDE[0], "lat": INSIDE[1],
              "observed_at": lw.now - timedelta(hours=1), "description": "Stopped a fight at the market",
              "now": lw.now}
    return file_report(session, who, **(values | changes))


def _count(session) -> int:
    return session.scalar(select(func.count()).select_from(FieldReport))


def test_a_leader_files_a_report_for_their_formation_at_server_time_and_it_is_audited(session, lw):
    shown = _file(session, lw.leader, lw)
    assert shown["formation_id"] == lw.world.formation and shown["reported_by"] == lw.leader.login
    assert shown["note"] == "Information for the police, not a registered crime."
    stored = session.get(FieldReport, shown["id"])
    assert stored.reported_at == lw.now and stored.location_source == "map"
    entry = session.scalar(select(AuditLog).where(AuditLog.entity == "field_report",
                                                  AuditLog.entity_id == shown["id"]))
    assert entry.action == "create" and entry.actor == lw.leader.login and entry.before is None


def test_a_dispatcher_files_a_report_without_a_formation(session, lw):
    shown = _file(session, lw.dispatcher, lw, location_source="device")
    assert shown["formation_id"] is None and shown["location_source"] == "device"


@pytest.mark.parametrize("changes, field", [
    ({"category": "burglary"}, "category"),
    ({"lon": None, "lat": None}, "place"),
    ({"lon": OUTSIDE[0], "lat": OUTSIDE[1]}, "place"),
    ({"lon": float("nan")}, "place"),
    ({"observed_at": "yesterday"}, "observed_at"),
    ({"description": "   "}, "description"),
    ({"location_source": "guess"}, "location_source"),
], ids=["unknown-category", "no-point", "outside-the-districts", "not-a-number", "no-time", "blank-description",
        "unknown-location-source"])
def test_bad_input_is_refused_with_the_field_named_and_nothing_stored(session, lw, changes, field):
    with pytest.raises(InvalidInput) as caught:
        _file(session, lw.leader, lw, **changes)
    assert field in {row.field for row in caught.value.rows}
    assert _count(session) == 0


@pytest.mark.parametrize("offset, stored", [(timedelta(hours=1), False), (timedelta(minutes=1), True),
                                             (-timedelta(days=31), False), (-timedelta(days=29), True)],
                         ids=["an-hour-ahead", "within-clock-skew", "before-the-sane-bound", "within-bound"])
def test_the_time_observed_is_neither_in_the_future_nor_too_long_ago(session, lw, offset, stored):
    if stored:
        shown = _file(session, lw.leader, lw, observed_at=lw.now + offset)
        assert session.get(FieldReport, shown["id"]).observed_at <= lw.now
    else:
        with pytest.raises(InvalidInput, match="observed"):
            _file(session, lw.leader, lw, observed_at=lw.now + offset)


def test_every_problem_is_named_at_once(session, lw):
    with pytest.raises(InvalidInput) as caught:
        _file(session, lw.leader, lw, category="x", lon=None, description="")
    assert {r.field for r in caught.value.rows} == {"category", "place", "description"}


def test_an_analyst_or_supervisor_cannot_file_and_a_leader_cannot_link_another_formations_shift(session, lw):
    with pytest.raises(Forbidden):
        _file(session, lw.supervisor, lw)
    with pytest.raises(InvalidInput) as refused:  # not theirs: a problem with the field, nothing stored
        _file(session, lw.leader, lw, assignment_id=lw.other)
    assert [r.field for r in refused.value.rows] == ["assignment_id"]
    linked = _file(session, lw.leader, lw, assignment_id=lw.upcoming)
    assert linked["assignment_id"] == lw.upcoming


def test_who_sees_which_report(session, lw):
    mine = _file(session, lw.leader, lw)["id"]
    theirs = _file(session, lw.other_leader, lw, lon=ELSEWHERE[0], lat=ELSEWHERE[1])["id"]
    newest = _file(session, lw.dispatcher, lw, now=lw.now + timedelta(minutes=5))["id"]

    def ids(who):
        return [r["id"] for r in list_reports(session, who)]

    assert ids(lw.leader) == [mine]
    assert ids(lw.other_leader) == [theirs]
    assert ids(lw.supervisor) == [newest, mine]  # in the Centre jurisdiction, newest first
    assert ids(lw.other_supervisor) == [theirs]
    assert ids(lw.dispatcher) == ids(SYSTEM) == [newest, theirs, mine]
    with pytest.raises(NotFound):
        report(session, lw.leader, theirs)
    with pytest.raises(NotFound):
        report(session, lw.other_supervisor, mine)
    assert report(session, lw.supervisor, mine)["id"] == mine


def test_the_csv_says_what_reports_are_and_holds_only_what_the_viewer_sees(session, lw, tmp_path):
    mine = _file(session, lw.leader, lw, description="=HYPERLINK(\"http://x\")")["id"]
    _file(session, lw.other_leader, lw, description="not for the other leader")
    text = reports_csv(session, lw.leader)
    table = pd.read_csv(io.StringIO(text))  # the header is the first line
    assert table.columns[0] == "id" and table["id"].tolist() == [mine]
    assert table["note"].str.contains("not a registered crime").all()
    assert table["description"].tolist() == ["'=HYPERLINK(\"http://x\")"] and "not for the other leader" not in text
    path = tmp_path / "reports.csv"
    path.write_text(text, encoding="utf-8")
    read = pyogrio.read_dataframe(path, GEOM_POSSIBLE_NAMES="wkt_epsg4326", KEEP_GEOM_COLUMNS="NO")
    assert len(read) == 1 and read.geom_type.tolist() == ["Point"]
    assert read.geometry.x[0] == pytest.approx(table["lon_epsg4326"][0], abs=1e-7)
    assert read.geometry.y[0] == pytest.approx(table["lat_epsg4326"][0], abs=1e-7)
