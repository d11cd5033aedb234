"""check_assignment runs every rule of the regime and returns every violation at once; the regime
is data chosen by name, so a second regime is a data module, not a rewrite."""
from __future__ import annotations

import doctest
import importlib
import pkgutil
from dataclasses import replace
from datetime import date

import pytest

import geo.regimes
import geo.rules
from geo.domain import (HomeAreaFacts, HomeAreaOverride, Notification, ParticipationForm, RegistrationStatus,
                        TargetFacts, TargetKind)
from geo.regimes import ActivityType, Regime, get_regime, register_regime, regime_names, unregister_regime
from geo.rules import (LABELS, RULES, check_assignment, eligible_activities, explain_formation, rank_formations,
                        rule_label)
from geo.rules.examples import example_facts, individual_facts, local_inspector, member, period

REGIME = get_regime()
FACTS = example_facts()
CODES = ["formation-notified", "formation-home-area", "activity-target", "police-supervision",
         "no-double-booking", "event-window", "collective-only", "participant-eligible", "closed-activity-list"]


def test_the_default_regime_is_order_641_and_runs_every_rule_of_regime_md():
    assert REGIME.name == "order-641" and "order-641" in regime_names()
    assert sorted(REGIME.rules) == sorted(CODES) == sorted(RULES)


def test_a_valid_assignment_breaks_no_rule():
    assert check_assignment(FACTS, REGIME) == []


def test_a_request_breaking_several_rules_returns_every_violation_at_once():
    facts = replace(
        FACTS,
        formation=replace(FACTS.formation, notification=None),
        target=TargetFacts(TargetKind.EVENT, 3, "Derby", window=period("2026-05-09 19:00", "2026-05-09 22:00")),
        officer=replace(FACTS.officer, duty=(), active=False),
        home_area=HomeAreaFacts(inside=False, distance_m=4200.0),
        override=HomeAreaOverride(21, ""),
        overlapping_assignment_ids=(40,),
        members=(member(birth_date=date(2010, 1, 1)),),
    )
    found = check_assignment(facts, REGIME)
    assert [(v.code, v.item) for v in found] == [
        ("formation-notified", "7"),
        ("formation-home-area", "7 (D)"),
        ("police-supervision", "8.1 (D)"),
        ("police-supervision", "8.1 (D)"),
        ("no-double-booking", "D"),
        ("event-window", "D"),
        ("participant-eligible", "Law 590-II art. 5"),
    ]
    assert all(v.message and set(v.as_dict()) == {"code", "item", "citation", "message"} for v in found)


def test_an_individual_asked_for_an_unlisted_activity_gets_it_reported_with_the_rest():
    facts = replace(FACTS, activity_code="inspection", formation=replace(FACTS.formation, is_collective=False,
                                                                               participation_form="individual"),
                    overlapping_assignment_ids=(5,))
    assert [v.code for v in check_assignment(facts, REGIME)] == ["closed-activity-list", "no-double-booking"]


def test_an_item_8_activity_for_an_individual_on_the_wrong_target():
    facts = replace(FACTS, activity_code="8.5", formation=replace(FACTS.formation, is_collective=False,
                                                                  participation_form="both"))
    assert [(v.code, v.item) for v in check_assignment(facts, REGIME)] == [
        ("collective-only", "5-8"), ("activity-target", "8.5 (D)")]


def test_skip_leaves_out_rules_by_code():
    facts = replace(FACTS, officer=None)
    assert [v.code for v in check_assignment(facts, REGIME)] == ["police-supervision"]
    assert check_assignment(facts, REGIME, skip=["police-supervision"]) == []


def test_gettext_is_applied_to_every_message():
    facts = replace(FACTS, officer=None, overlapping_assignment_ids=(1,))
    found = check_assignment(facts, REGIME, gettext=lambda m, **p: "[kk] " + (m % p if p else m))
    assert len(found) == 2 and all(v.message.startswith("[kk] ") for v in found)


def test_rank_formations_puts_eligible_first_and_says_why_others_fail():
    def candidate(id, name, **changes):
        return replace(FACTS, formation=replace(FACTS.formation, id=id, name=name), **changes)

    fits = rank_formations([
        candidate(2, "Zhetysu", overlapping_assignment_ids=(9,), members=(member(certificate=None),)),
        candidate(3, "Aksai", home_area=HomeAreaFacts(False, 300.0)),
        candidate(4, "Almaly"),
    ], REGIME)
    assert [(f.name, f.eligible, f.failed_codes) for f in fits] == [
        ("Almaly", True, ()),
        ("Aksai", False, ("formation-home-area",)),
        ("Zhetysu", False, ("no-double-booking", "participant-eligible")),
    ]
    assert fits[1].as_dict()["violations"][0]["item"] == "7"


def test_explain_formation_while_no_officer_is_chosen():
    fit = explain_formation(replace(FACTS, officer=None), REGIME, skip=("police-supervision",))
    assert fit.eligible and fit.formation_id == 1


# --- A second regime is data only ---------------------------------------------------------------

FAKE = Regime(
    name="test-2026",
    title="Test regime of public assistants",
    activities=(
        ActivityType("1.1", "1.1", "Reporting offences", ParticipationForm.INDIVIDUAL,
                     frozenset({TargetKind.PATROL_ZONE})),
        ActivityType("2.1", "2.1", "Guarding a crop field", ParticipationForm.COLLECTIVE,
                     frozenset({TargetKind.CROP_FIELD}), needs_supervisor=True),
    ),
    citations={"formation-notified": "14", "closed-activity-list": "Law 245-VIII art. 3",
               "activity-target": "2", "collective-only": "2", "police-supervision": "2"},
    rules=("closed-activity-list", "collective-only", "activity-target", "formation-notified",
           "police-supervision"),
    min_age_years=16,
    max_formations_per_officer=5,
)


@pytest.fixture
def fake_regime():
    register_regime(FAKE)
    yield get_regime("test-2026")
    unregister_regime("test-2026")


def test_a_second_regime_registered_as_data_changes_what_the_rules_allow(fake_regime):
    assert fake_regime is FAKE
    # 8.1 does not exist in the fake regime: the closed list follows the data.
    assert [(v.code, v.item) for v in check_assignment(FACTS, fake_regime)] == [
        ("closed-activity-list", "Law 245-VIII art. 3")]
    field = TargetFacts(TargetKind.CROP_FIELD, 8, "Wheat, lot 4")
    guarding = replace(FACTS, activity_code="2.1", target=field)
    assert check_assignment(guarding, fake_regime) == []
    assert [(v.code, v.item) for v in check_assignment(replace(guarding, officer=None), fake_regime)] == [
        ("police-supervision", "2.1")]
    on_zone = replace(guarding, target=TargetFacts(TargetKind.PATROL_ZONE, 2, "Zone 2"),
                      formation=replace(FACTS.formation, notification=None))
    assert [(v.code, v.item) for v in check_assignment(on_zone, fake_regime)] == [
        ("activity-target", "2.1"), ("formation-notified", "14")]
    # Rules the fake regime does not list are not run: an unregistered member passes.
    assert check_assignment(replace(guarding, members=(member(registration=RegistrationStatus.REFUSED),)),
                            fake_regime) == []
    assert [a.code for a in eligible_activities(fake_regime, "crop_field")] == ["2.1"]
    assert check_assignment(FACTS, REGIME) == []  # the default regime is untouched


def test_an_unknown_regime_names_the_known_ones():
    with pytest.raises(KeyError, match="order-641"):
        get_regime("order-999")


def test_a_regime_naming_a_rule_that_does_not_exist_is_refused():
    with pytest.raises(KeyError, match="no-such-rule"):
        check_assignment(FACTS, replace(REGIME, rules=("no-such-rule",)))


def test_registering_a_name_twice_needs_replace(fake_regime):
    with pytest.raises(ValueError):
        register_regime(FAKE)
    assert register_regime(FAKE, replace=True) is FAKE


def test_order_641_notification_reference_is_recorded_data():
    assert Notification(7, date(2026, 2, 1), "UPP-7/2026-15") == FACTS.formation.notification


# --- The numpydoc examples of the rules are true --------------------------------------------------

MODULES = [f"{pkg.__name__}.{m.name}" for pkg in (geo.rules, geo.regimes) for m in pkgutil.iter_modules(pkg.__path__)]


@pytest.mark.parametrize("name", ["geo.rules", "geo.regimes", *MODULES])
def test_docstring_examples_run(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.failed == 0


def test_every_rule_has_a_label_beside_its_code():
    assert set(LABELS) == set(RULES)
    assert rule_label("formation-home-area", lambda msgid, **params: msgid.upper()) == "OUTSIDE ITS HOME AREA"


# --- The individual form (items 5-6): a lone participant's task runs every rule of the regime ---


def test_item_6_an_individual_participant_may_be_given_an_item_6_1_task():
    assert check_assignment(individual_facts(), REGIME) == []


def test_items_5_8_collective_only_fires_for_an_individual_on_item_8_1():
    facts = replace(individual_facts(), activity_code="8.1", officer=local_inspector())
    assert [(v.code, v.item) for v in check_assignment(facts, REGIME)] == [("collective-only", "5-8")]
    assert REGIME.cite("collective-only") == "5-8"


@pytest.mark.parametrize("officer, expected", [
    pytest.param(None, [("police-supervision", "6.2")], id="item-6.2-no-officer-fails"),
    pytest.param(local_inspector(service="patrol"), [("police-supervision", "6.2")],
                 id="item-6.2-patrol-officer-fails"),
    pytest.param(local_inspector(service=None), [("police-supervision", "6.2")],
                 id="item-6.2-officer-of-no-recorded-service-fails"),
    pytest.param(local_inspector(), [], id="item-6.2-local-inspector-passes"),
    pytest.param(local_inspector(service="juvenile"), [], id="item-6.2-juvenile-unit-passes"),
])
@pytest.mark.parametrize("alone", [True, False], ids=["individual", "formation"])
def test_item_6_2_needs_an_officer_of_the_specified_services(officer, expected, alone):
    base = individual_facts() if alone else replace(example_facts(), activity_code="6.2")
    facts = replace(base, activity_code="6.2", officer=officer)
    assert [(v.code, v.item) for v in check_assignment(facts, REGIME)] == expected


def test_item_6_2_asks_for_participation_of_staff_not_direct_management():
    [violation] = check_assignment(replace(individual_facts(), activity_code="6.2"), REGIME)
    assert "participation of staff of the specified services" in violation.message
    assert "direct management" not in violation.message


def test_law_art_5_an_individual_participant_must_be_eligible():
    young = member(birth_date=date(2010, 1, 1), certificate=None)
    facts = replace(individual_facts(), members=(young,))
    assert [(v.code, v.item) for v in check_assignment(facts, REGIME)] == [
        ("participant-eligible", "Law 590-II art. 5"), ("participant-eligible", "Order 641 item 2.2 (D)")]


def test_item_7_notification_and_home_area_do_not_apply_to_an_individual():
    facts = individual_facts()
    assert facts.home_area is None and facts.formation.notification is None
    assert [v for v in check_assignment(facts, REGIME) if v.item == "7"] == []


def test_an_individual_is_in_one_place_at_a_time():
    facts = replace(individual_facts(), overlapping_assignment_ids=(31,))
    [violation] = check_assignment(facts, REGIME)
    assert violation.code == "no-double-booking"
    assert violation.message.startswith("Participant Aigerim Sadykova is already assigned")
