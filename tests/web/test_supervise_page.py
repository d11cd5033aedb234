"""The supervisor's page (/supervise): each proposal with its rules (citations), members'
certificates, other assignments at the target and time, the officer's load, a map and a confirm step."""
from __future__ import annotations

import json
from datetime import date
import re

import pytest
from sqlalchemy import select, update

from geo.db.models import Assignment, FormationMember

from tests.integration.test_supervision_review import _plant, _propose
from tests.support.dispatch_world import world  # noqa: F401  (fixture)


def setup_of(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="supervise-setup">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def card(page: str, assignment_id: int) -> str:
    found = re.search(rf'<article class="proposal" id="proposal-{assignment_id}".*?</article>', page, re.S)
    assert found, f"no card of assignment {assignment_id}"
    return found.group(0)


@pytest.fixture
def pair(session, world):
    return _propose(session, world), _plant(session, world, "2026-12-05 19:00", "2026-12-05 21:00")


def test_a_card_shows_every_rule_with_its_citation_members_others_and_load(client, world, pair):
    page = client.get(f"/supervise?officer_id={world.officer}").get_data(as_text=True)
    lawful = card(page, pair[0])
    assert lawful.count('class="passed"') == 9 and 'class="failed"' not in lawful
    assert "Every rule passed." in lawful
    for citation in ("Order 641, Rules item 7", "Law 590-II art. 5", "design choice (D)", "Law 590-II art. 7.1.1"):
        assert citation in lawful
    assert "Aigerim Sadykova" in lawful and "C-001" in lawful and ">issued<" in lawful
    assert "Another formation is assigned to this target at an overlapping time." in lawful
    assert f'<li data-id="{pair[1]}">Aksai' in lawful
    assert "Capt. Abenov supervises 2 of at most 2 formations at that time (this one included)." in lawful
    assert "Yes, confirm" in lawful and 'class="confirm-step" hidden' in lawful
    # the briefing's sheet of the proposal, to print or as PDF
    assert f'href="/assignments/{pair[0]}/sheet"' in lawful and f'href="/assignments/{pair[0]}/sheet.pdf"' in lawful
    assert client.get(f"/assignments/{pair[0]}/sheet.pdf").mimetype == "application/pdf"
    planted = card(page, pair[1])
    assert 'data-code="formation-notified"' in planted and "Some rules fail" in planted


def test_one_map_of_local_assets_holds_every_proposals_target(client, world, pair):
    page = client.get(f"/supervise?officer_id={world.officer}").get_data(as_text=True)
    setup = setup_of(page)
    assert setup["map"] and f'id="{setup["map"]}"' in page and page.count('class="folium-map"') == 1
    assert set(setup["targets"]) == {str(i) for i in pair}
    assert setup["targets"][str(pair[0])]["type"] == "Polygon"
    assert "/tiles/basemap/" in page and "cdn" not in page.lower()


def test_without_proposals_there_is_no_map_and_a_note(client, world):
    page = client.get(f"/supervise?officer_id={world.other_officer}").get_data(as_text=True)
    assert "No proposed assignments in this jurisdiction." in page and setup_of(page)["map"] is None
    assert 'class="folium-map"' not in page


def test_the_page_speaks_russian_and_kazakh(client, world, pair):
    for lang, words in (("ru", ("Правила, проверенные сейчас", "Да, подтвердить", "Нагрузка сотрудника")),
                        ("kk", ("Қазір тексерілген ережелер", "Иә, растау", "Қызметкердің жүктемесі"))):
        page = client.get(f"/supervise?officer_id={world.officer}",
                          headers={"Accept-Language": lang}).get_data(as_text=True)
        assert all(w in page for w in words), lang


def test_a_proposal_confirmed_meanwhile_answers_a_clear_refusal_and_changes_nothing(client, session, world, pair):
    first = client.post(f"/api/v1/assignments/{pair[0]}/confirm", json={"officer_id": world.officer})
    assert first.status_code == 200
    again = client.post(f"/api/v1/assignments/{pair[0]}/confirm", json={"officer_id": world.officer})
    assert again.status_code == 400 and again.is_json
    assert "only proposed ones can be confirmed" in again.get_json()["error"]
    rejected = client.post(f"/api/v1/assignments/{pair[0]}/reject", json={"officer_id": world.officer, "reason": "x"})
    assert rejected.status_code == 400
    assert session.scalar(select(Assignment.status).where(Assignment.id == pair[0])) == "confirmed"
    page = client.get(f"/supervise?officer_id={world.officer}").get_data(as_text=True)
    assert f'id="proposal-{pair[0]}"' not in page


def test_a_rejection_without_a_reason_is_refused_and_stores_nothing(client, session, world, pair):
    answer = client.post(f"/api/v1/assignments/{pair[0]}/reject", json={"officer_id": world.officer, "reason": " "})
    assert answer.status_code == 400 and "reason" in answer.get_json()["error"]
    assert session.scalar(select(Assignment.status).where(Assignment.id == pair[0])) == "proposed"


def test_a_proposal_whose_facts_cannot_be_built_says_why_on_its_card(client, session, world, pair):
    session.execute(update(FormationMember).where(FormationMember.formation_id == world.formation,
                                                  FormationMember.participant_id == world.adult)
                    .values(left_on=date(2026, 12, 1)))
    answer = client.get(f"/supervise?officer_id={world.officer}")
    assert answer.status_code == 200
    lawful = card(answer.get_data(as_text=True), pair[0])
    assert "The rules cannot be checked:" in lawful and "not members of Samal" in lawful
