"""The audit log page and the quarterly summary as a page and a CSV."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from tests.support.leader_clients import as_user, lw  # noqa: F401  (fixtures)
from tests.support.leader_world import ELSEWHERE, INSIDE


def _report(client, point) -> int:
    now = datetime.now(ZoneInfo("Asia/Almaty")).strftime("%Y-%m-%dT%H:%M")
    answer = client.post("/api/v1/reports", json={"category": "aid-to-victims", "lon": point[0], "lat": point[1],
                                                  "observed_at": now, "description": "first aid"})
    assert answer.status_code == 201
    return answer.get_json()["id"]


def test_admins_read_the_whole_audit_log_with_filters(client, as_user, lw):
    mine = _report(as_user("leader"), INSIDE)
    page = client.get("/audit")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert f'data-entity="field_report" data-entity-id="{mine}"' in html and 'data-entity="user_account"' in html
    only = client.get("/audit?entity=field_report").get_data(as_text=True)
    assert 'data-entity="user_account"' not in only and f'data-entity-id="{mine}"' in only
    assert 'data-entity=' not in client.get("/audit?from=2000-01-01&to=2000-01-02").get_data(as_text=True)
    assert client.get("/audit?from=yesterday").status_code == 400


def test_supervisors_read_entries_about_their_jurisdiction_and_leaders_none(as_user, lw):
    mine = _report(as_user("leader"), INSIDE)
    theirs = _report(as_user("other.leader"), ELSEWHERE)
    as_user("leader").post(f"/my/shifts/{lw.upcoming}/acknowledge")
    html = as_user("supervisor").get("/audit").get_data(as_text=True)
    assert f'data-entity="field_report" data-entity-id="{mine}"' in html
    assert f'data-entity="assignment" data-entity-id="{lw.upcoming}"' in html
    assert f'data-entity-id="{theirs}"' not in html and 'data-entity="user_account"' not in html
    assert as_user("leader").get("/audit").status_code == 403
    assert as_user("dispatcher").get("/audit").status_code == 403


def test_the_quarterly_summary_is_a_page_and_a_csv(client, as_user, lw):
    _report(as_user("leader"), INSIDE)
    today = datetime.now(ZoneInfo("Asia/Almaty")).date()
    quarter = (today.month - 1) // 3 + 1
    page = client.get(f"/quarterly?year={today.year}&quarter={quarter}")
    assert page.status_code == 200
    assert f'data-formation-id="{lw.world.formation}"' in page.get_data(as_text=True)
    csv = client.get(f"/quarterly.csv?year={today.year}&quarter={quarter}")
    assert csv.status_code == 200 and csv.mimetype == "text/csv"
    assert f"kuzet-activity-{today.year}-q{quarter}.csv" in csv.headers["Content-Disposition"]
    rows = {line.split(",")[0]: line.split(",") for line in csv.get_data(as_text=True).splitlines()[1:]}
    header = csv.get_data(as_text=True).splitlines()[0].split(",")
    assert header[-1] == "rules" and all(
        line.endswith(",Rules: MIA Order 641 of 27.11.2004 as amended 05.10.2023")
        for line in csv.get_data(as_text=True).splitlines()[1:])
    assert rows[str(lw.world.formation)][header.index("reports_aid-to-victims")] == "1"
    assert client.get("/quarterly").status_code == 200  # the current quarter by default
    assert client.get("/quarterly?year=2026&quarter=7").status_code == 400


def test_a_leader_sees_only_their_formation_in_the_summary_and_its_csv(as_user, lw):
    html = as_user("leader").get("/quarterly").get_data(as_text=True)
    assert f'data-formation-id="{lw.world.formation}"' in html
    assert f'data-formation-id="{lw.world.unnotified}"' not in html
    lines = as_user("leader").get("/quarterly.csv").get_data(as_text=True).splitlines()
    assert len(lines) == 2 and lines[1].startswith(f"{lw.world.formation},")
