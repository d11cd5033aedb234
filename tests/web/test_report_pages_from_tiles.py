"""The report pages (/reports, /supervise/reports): a map drawn from the field-report tiles, filtered as
the list is, and a list paged by keyset, newest first; neither grows the page's HTML with the reports."""
from __future__ import annotations

import gzip
import html
import re
from datetime import datetime, timedelta, timezone

import mapbox_vector_tile
import pytest
from geoalchemy2.shape import from_shape
from shapely.geometry import Point

from geo.db.models import FieldReport
from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)
from tests.support.leader_world import ELSEWHERE, INSIDE
from tests.web.test_tiles import tile_of

NOW = datetime.now(timezone.utc).replace(microsecond=0)


def _reports(session, lw, first: int, count: int, *, days_ago: float = 0.0) -> list[int]:
    """``count`` reports near INSIDE, alternately of the leader's and the other leader's formation,
    each one minute older than the last (every third shares its predecessor's time: id breaks the tie)."""
    rows = []
    for i in range(first, first + count):
        mine = i % 2 == 0
        at = NOW - timedelta(days=days_ago, minutes=i - (i % 3 == 2))
        rows.append(FieldReport(category="order-demand", observed_at=at, reported_at=at,
                                description=f"Report number {i:05d} from the field",
                                formation_id=lw.world.formation if mine else lw.world.unnotified,
                                reported_by=(lw.leader if mine else lw.other_leader).user_id,
                                geom=from_shape(Point(INSIDE[0] + (i % 50) * 1e-5, INSIDE[1] + (i // 50) * 1e-5), 4326)))
    session.add_all(rows)
    session.commit()
    return [r.id for r in rows]


def _newest_first(session, ids) -> list[int]:
    rows = session.query(FieldReport.id, FieldReport.reported_at).filter(FieldReport.id.in_(ids)).all()
    return [r.id for r in sorted(rows, key=lambda r: (r.reported_at, r.id), reverse=True)]


def _walk(client, path: str) -> list[list[int]]:
    """The ids listed on each page, following the "older" links from ``path``."""
    pages = []
    while path:
        answer = client.get(path)
        assert answer.status_code == 200, answer.data[:300]
        text = answer.get_data(as_text=True)
        pages.append([int(i) for i in re.findall(r'class="report-item" data-id="(\d+)"', text)])
        older = re.search(r'<a href="([^"]+)" class="older"', text)
        path = html.unescape(older.group(1)) if older else None
        assert len(pages) < 100
    return pages


def _tile_template(text: str) -> str:
    found = re.search(r"""['"](/tiles/field_report/\{z\}/\{x\}/\{y\}\.mvt[^'"]*)['"]""", text)
    assert found, "no field_report tile layer on the page"
    return html.unescape(found.group(1))


def _tile_ids(client, template: str, lon_lat, z: int = 16) -> set[int]:
    z, x, y = tile_of(*lon_lat, z)
    answer = client.get(template.replace("{z}", str(z)).replace("{x}", str(x)).replace("{y}", str(y)))
    if answer.status_code == 204:
        return set()
    assert answer.status_code == 200, answer.data[:300]
    data = gzip.decompress(answer.data) if answer.headers.get("Content-Encoding") == "gzip" else answer.data
    return {f["properties"]["id"] for f in mapbox_vector_tile.decode(data)["field_report"]["features"]}


@pytest.mark.parametrize("login, path", [("dispatcher", "/reports"), ("leader", "/reports"),
                                         ("supervisor", "/supervise/reports")])
def test_a_report_page_does_not_grow_with_ten_times_the_reports(as_user, lw, session, login, path):
    client = as_user(login)
    _reports(session, lw, 0, 120)
    first = client.get(path)
    assert first.status_code == 200, first.data[:300]
    before = len(first.data)
    _reports(session, lw, 120, 1080)  # 10x the reports
    after = client.get(path)
    assert after.status_code == 200
    body = after.get_data(as_text=True)
    assert body.count('class="report-item"') == 50  # a page of the configured size, not every report
    assert "/tiles/field_report/{z}/{x}/{y}.mvt" in body
    assert "Report number 01199" not in body and '"order-demand"' in body  # the category labels, no report
    assert body.count('"category": "order-demand"') == 0
    assert abs(len(after.data) - before) < 300, (before, len(after.data))


def test_every_report_is_listed_once_across_the_pages_newest_first(as_user, lw, session):
    ids = _reports(session, lw, 0, 47)
    pages = _walk(as_user("dispatcher"), "/reports?per_page=10")
    assert [len(p) for p in pages] == [10, 10, 10, 10, 7]
    listed = [i for page in pages for i in page]
    assert listed == _newest_first(session, ids)  # each exactly once, in (reported_at, id) order


def test_a_leaders_pages_hold_only_their_formations_reports(as_user, lw, session):
    ids = _reports(session, lw, 0, 31)
    mine = [i for n, i in enumerate(ids) if n % 2 == 0]
    listed = [i for page in _walk(as_user("leader"), "/reports?per_page=4") for i in page]
    assert listed == _newest_first(session, mine)
    theirs = [i for page in _walk(as_user("other.leader"), "/reports?per_page=200") for i in page]
    assert theirs == _newest_first(session, set(ids) - set(mine))


def test_a_report_filed_between_pages_shifts_nothing_onto_the_next(as_user, lw, session):
    ids = _reports(session, lw, 0, 6)
    client = as_user("dispatcher")
    text = client.get("/reports?per_page=3").get_data(as_text=True)
    older = html.unescape(re.search(r'<a href="([^"]+)" class="older"', text).group(1))
    _reports(session, lw, 1000, 2, days_ago=-0.01)  # two newer reports arrive meanwhile
    second = [int(i) for i in re.findall(r'data-id="(\d+)"', client.get(older).get_data(as_text=True))]
    assert second == _newest_first(session, ids)[3:]


def test_the_map_and_the_list_of_the_last_days_hold_the_same_reports(as_user, lw, session):
    recent = _reports(session, lw, 0, 4)
    _reports(session, lw, 10, 4, days_ago=3)
    client = as_user("supervisor")
    text = client.get("/supervise/reports?days=2&per_page=200").get_data(as_text=True)
    listed = {int(i) for i in re.findall(r'class="report-item" data-id="(\d+)"', text)}
    template = _tile_template(text)
    assert "since=" in template
    assert listed == set(recent) == _tile_ids(client, template, INSIDE)
    # the same tile unfiltered holds the older ones too
    assert _tile_ids(client, "/tiles/field_report/{z}/{x}/{y}.mvt", INSIDE) > set(recent)


def test_a_leaders_report_map_draws_only_their_formations_reports(as_user, lw, session):
    ids = _reports(session, lw, 0, 10)
    leader = as_user("leader")
    template = _tile_template(leader.get("/reports").get_data(as_text=True))
    assert _tile_ids(leader, template, INSIDE) == {i for n, i in enumerate(ids) if n % 2 == 0}
    assert _tile_ids(as_user("dispatcher"), template, INSIDE) == set(ids)


def test_the_map_opens_on_the_reports_the_list_admits(as_user, lw, session):
    session.add(FieldReport(category="order-demand", observed_at=NOW, reported_at=NOW, description="east",
                            formation_id=lw.world.unnotified, reported_by=lw.other_leader.user_id,
                            geom=from_shape(Point(*ELSEWHERE), 4326)))
    session.commit()
    text = as_user("other.leader").get("/reports").get_data(as_text=True)
    bounds = re.search(r"fitBounds\(\s*\[\[([\d.]+), ([\d.]+)\], \[([\d.]+), ([\d.]+)\]\]", text)
    assert bounds, "the map does not fit the reports"
    assert [float(v) for v in bounds.groups()] == [ELSEWHERE[1], ELSEWHERE[0], ELSEWHERE[1], ELSEWHERE[0]]


@pytest.mark.parametrize("query, message", [
    ("after=banana", "page cursor"), ("after=999999999999999999.1", "page cursor"), ("after=1.", "page cursor"),
    ("per_page=0", "page size"), ("per_page=201", "page size"), ("per_page=ten", "per_page"),
])
def test_a_bad_cursor_or_page_size_is_a_400_that_says_why(as_user, lw, query, message):
    answer = as_user("dispatcher").get(f"/reports?{query}")
    assert answer.status_code == 400, answer.data[:300]
    assert message in answer.get_data(as_text=True)


@pytest.mark.parametrize("query", ["days=abc", "days=0", "days=367", "days=-1", "after=x.1"])
def test_a_bad_filter_of_the_new_reports_is_a_400_that_says_why(as_user, lw, query):
    answer = as_user("supervisor").get(f"/supervise/reports?{query}")
    assert answer.status_code == 400, answer.data[:300]
    assert ("days" if query.startswith("days") else "page cursor") in answer.get_data(as_text=True)


@pytest.mark.parametrize("path, message", [
    ("/tiles/field_report/16/0/0.mvt?since=yesterday", "since"),
    ("/tiles/field_report/16/0/0.mvt?since=99999-01-01T00:00Z", "since"),
    ("/tiles/incident/16/0/0.mvt?since=2026-11-01T00:00Z", "field_report"),
])
def test_a_bad_tile_filter_is_a_400_json_that_says_why(as_user, lw, path, message):
    answer = as_user("dispatcher").get(path)
    assert answer.status_code == 400 and answer.is_json, answer.data[:300]
    assert message in answer.get_json()["error"]
