"""The legal regime is a setting (KUZET_REGIME): read once, refused at start-up when unknown, passed
to the services by the app, and shown as "Rules: <title>" on every page in the reader's language;
violations carry their citation with the act (issue 15)."""
from __future__ import annotations

import re

import pytest

from geo.domain import ParticipationForm, TargetKind
from geo.regimes import ActivityType, Regime, register_regime, unregister_regime
from geo.settings import Settings

from tests.conftest import add_user, make_app, sign_in
from tests.support.catalogues import directories, write_catalogue
from tests.support.dispatch_world import world  # noqa: F401  (fixture)

ORDER_641 = "Rules: MIA Order 641 of 27.11.2004 as amended 05.10.2023"

TEST_REGIME = Regime(
    name="test-assistants",
    title="Test rules of public assistants",
    activities=(ActivityType("1.1", "1.1", "Reporting offences", ParticipationForm.INDIVIDUAL,
                             frozenset({TargetKind.PATROL_ZONE})),),
    citations={"closed-activity-list": "D"},
    rules=("closed-activity-list",),
    min_age_years=16,
    max_formations_per_officer=5,
)


@pytest.fixture
def test_regime():
    register_regime(TEST_REGIME)
    yield TEST_REGIME
    unregister_regime(TEST_REGIME.name)


def footer(response) -> str:
    found = re.search(r'<footer class="regime-note" id="regime-note">([^<]*)</footer>', response.get_data(as_text=True))
    assert found, response.get_data(as_text=True)[:300]
    return found.group(1)


def signed_in(app, session):
    add_user(session, "admin", ["admin"])
    session.commit()
    return sign_in(app.test_client(), "admin")


@pytest.mark.parametrize("name", ["order641", "order-641", " order641 "])
def test_the_regime_is_named_by_its_module_or_its_registered_name(connection, name):
    from web.config import settings

    assert settings(make_app(connection, REGIME=name)).regime == "order-641"


def test_the_default_regime_is_order_641():
    from web.config import DEFAULTS

    assert Settings().regime == "order-641" and DEFAULTS["REGIME"] == "order-641"


def test_an_unknown_regime_stops_the_app_naming_the_known_ones(connection):
    with pytest.raises(ValueError, match=r"KUZET_REGIME is one of .*order-641.*order641"):
        make_app(connection, REGIME="order-2026")
    with pytest.raises(ValueError, match="order-999"):
        Settings(regime="order-999")


def test_the_environment_chooses_the_regime(connection, monkeypatch):
    from web.config import settings

    monkeypatch.setenv("KUZET_REGIME", "order641")
    assert settings(make_app(connection)).regime == "order-641"
    monkeypatch.setenv("KUZET_REGIME", "no-such-regime")
    with pytest.raises(ValueError, match="no-such-regime"):
        make_app(connection)


def test_every_kind_of_page_says_the_rules_in_force(anonymous, client):
    assert footer(anonymous.get("/login")) == ORDER_641
    assert footer(client.get("/dispatch")) == ORDER_641
    missing = client.get("/no-such-page")
    assert missing.status_code == 404 and footer(missing) == ORDER_641


def test_the_rules_are_shown_in_the_readers_language(connection, tmp_path):
    write_catalogue(tmp_path, "ru", {"Rules: %(regime)s": "Правила (test): %(regime)s",
                                     "MIA Order 641 of 27.11.2004 as amended 05.10.2023": "Приказ 641 (test)"})
    app = make_app(connection, LOCALE="ru", BABEL_TRANSLATION_DIRECTORIES=directories(tmp_path))
    assert footer(app.test_client().get("/login")) == "Правила (test): Приказ 641 (test)"


def test_a_registered_regime_chosen_by_the_setting_is_shown_and_its_rules_run(connection, session, world,
                                                                               test_regime):
    app = make_app(connection, REGIME="test-assistants")
    client = signed_in(app, session)
    assert footer(client.get("/dispatch")) == "Rules: Test rules of public assistants"
    shift = "starts_at=2026-12-05T18:00&ends_at=2026-12-05T22:00"
    options = client.get(f"/api/v1/dispatch/options?target_kind=patrol_zone&target_id={world.zone}&{shift}")
    assert options.status_code == 200
    assert [a["code"] for a in options.get_json()["activities"]] == ["1.1"]
    # 8.1 is not on that regime's list: its one rule refuses it, citing what the regime says
    r = client.post("/api/v1/assignments", json={
        "formation_id": world.formation, "target_kind": "patrol_zone", "target_id": world.zone, "activity": "8.1",
        "starts_at": "2026-12-05T18:00", "ends_at": "2026-12-05T22:00", "officer_id": world.officer})
    assert r.status_code == 422
    assert [(v["code"], v["citation"]) for v in r.get_json()["violations"]] == [
        ("closed-activity-list", "design choice (D)")]


def test_a_violation_answers_its_citation_with_the_act(client, world):
    r = client.post("/api/v1/assignments", json={
        "formation_id": world.formation, "target_kind": "patrol_zone", "target_id": world.zone, "activity": "8.5",
        "starts_at": "2026-12-05T18:00", "ends_at": "2026-12-05T22:00", "officer_id": world.officer})
    assert r.status_code == 422
    [violation] = r.get_json()["violations"]
    assert violation == {"code": "activity-target", "item": "8.5 (D)", "message": violation["message"],
                         "citation": "design choice (D) under Order 641, Rules item 8.5"}


def test_a_citation_is_given_in_the_readers_language(connection, session, world, tmp_path):
    write_catalogue(tmp_path, "ru", {"Order 641, Rules item %(item)s": "Приказ (test), Правила, п. %(item)s",
                                     "design choice (D) under %(citation)s": "решение (D, test): %(citation)s"})
    app = make_app(connection, LOCALE="ru", BABEL_TRANSLATION_DIRECTORIES=directories(tmp_path))
    client = signed_in(app, session)
    r = client.post("/api/v1/assignments", json={
        "formation_id": world.formation, "target_kind": "patrol_zone", "target_id": world.zone, "activity": "8.5",
        "starts_at": "2026-12-05T18:00", "ends_at": "2026-12-05T22:00", "officer_id": world.officer})
    assert [v["citation"] for v in r.get_json()["violations"]] == ["решение (D, test): Приказ (test), Правила, п. 8.5"]
