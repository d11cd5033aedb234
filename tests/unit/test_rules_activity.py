"""Rules closed-activity-list (Law 590-II art. 7.1.1), collective-only (items 5-8) and
activity-target (item 8, mapping D)."""
from __future__ import annotations

from dataclasses import replace

import pytest

from geo.domain import TargetFacts, TargetKind
from geo.regimes import get_regime
from geo.rules import default_activity, eligible_activities
from geo.rules.activity import activity_target
from geo.rules.closed_list import closed_activity_list
from geo.rules.collective import collective_only
from geo.rules.examples import example_facts

REGIME = get_regime()
FACTS = example_facts()
K = TargetKind


def doing(code, kind=K.PUBLIC_PLACE, place_kind=None, *, collective=True, form="individual"):
    """``code`` at a target of ``kind``, by the formation or (``collective=False``) a lone participant
    who recorded ``form``."""
    return replace(FACTS, activity_code=code, target=TargetFacts(kind, 1, "target", place_kind=place_kind),
                   formation=replace(FACTS.formation, is_collective=collective,
                                     participation_form=None if collective else form))


@pytest.mark.parametrize("code", REGIME.codes())
def test_law_art_7_1_1_closed_activity_list_passes_every_listed_type(code):
    assert closed_activity_list(doing(code), REGIME) == []


@pytest.mark.parametrize("code", ["inspection", "document-check", "8.8", "", "8.1 "],
                         ids=lambda c: f"law-art-7.1.1-closed-activity-list-fails-{c.strip() or 'empty'}")
def test_law_art_7_1_1_closed_activity_list_fails(code):
    [violation] = closed_activity_list(doing(code), REGIME)
    assert (violation.code, violation.item) == ("closed-activity-list", "Law 590-II art. 7.1.1")
    assert "no control or supervisory functions" in violation.message


def test_an_unknown_activity_is_reported_once_not_by_every_activity_rule():
    facts = doing("inspection")
    assert activity_target(facts, REGIME) == collective_only(facts, REGIME) == []


@pytest.mark.parametrize("code, collective, broken", [
    pytest.param("8.1", True, False, id="item-8-collective-only-passes-formation"),
    pytest.param("6.1", False, False, id="item-6-collective-only-passes-individual-report"),
    pytest.param("6.5", True, False, id="item-8-collective-only-passes-formation-doing-item-6"),
    pytest.param("8.1", False, True, id="item-8-collective-only-fails-individual"),
    pytest.param("8.7", False, True, id="item-8.7-collective-only-fails-individual"),
])
def test_items_5_8_collective_only(code, collective, broken):
    kind = K.CAMPUS if code == "8.7" else K.PUBLIC_PLACE
    found = collective_only(doing(code, kind, collective=collective), REGIME)
    assert [(v.code, v.item) for v in found] == ([("collective-only", "5-8")] if broken else [])


@pytest.mark.parametrize("form, code, expected", [
    pytest.param("individual", "6.1", [], id="item-5-individual-form-passes-item-6.1"),
    pytest.param("both", "6.6", [], id="item-5-form-both-passes-item-6.6"),
    pytest.param("member", "6.1", [("collective-only", "5 (D)")], id="item-5-member-only-fails-alone"),
    pytest.param(None, "6.1", [("collective-only", "5 (D)")], id="item-5-unrecorded-form-fails-alone"),
    pytest.param("member", "8.1", [("collective-only", "5 (D)"), ("collective-only", "5-8")],
                 id="item-5-8-member-alone-on-8.1-fails-both"),
])
def test_item_5_a_lone_participant_is_given_a_task_only_in_a_form_they_recorded(form, code, expected):
    found = collective_only(doing(code, collective=False, form=form), REGIME)
    assert [(v.code, v.item) for v in found] == expected


FITS = [
    ("8.1", K.PUBLIC_PLACE, "square"), ("8.1", K.PATROL_ZONE, None), ("8.1", K.EVENT, None),
    ("8.2", K.EMERGENCY_AREA, None), ("8.3", K.EMERGENCY_AREA, None),
    ("8.4", K.PUBLIC_PLACE, "street"), ("8.4", K.PUBLIC_PLACE, "thoroughfare"), ("8.4", K.PATROL_ZONE, None),
    ("8.5", K.PASTURE, None), ("8.6", K.CROP_FIELD, None), ("8.7", K.CAMPUS, None),
    ("6.1", K.PATROL_ZONE, None), ("6.5", K.CAMPUS, None), ("6.6", K.CROP_FIELD, None),
]
MISFITS = [
    ("8.1", K.PASTURE, None), ("8.1", K.CAMPUS, None), ("8.2", K.PUBLIC_PLACE, "square"), ("8.2", "incident", None),
    ("8.3", K.PATROL_ZONE, None), ("8.4", K.PUBLIC_PLACE, "square"), ("8.4", K.PUBLIC_PLACE, None),
    ("8.4", K.EVENT, None), ("8.5", K.CROP_FIELD, None), ("8.6", K.PASTURE, None),
    ("8.7", K.PUBLIC_PLACE, "park"), ("6.1", K.EVENT, None), ("6.1", K.PASTURE, None),
]


@pytest.mark.parametrize("code, kind, place", FITS,
                         ids=[f"item-{c}-activity-target-passes-{k}-{p or ''}" for c, k, p in FITS])
def test_item_8_activity_target_passes(code, kind, place):
    assert activity_target(doing(code, kind, place), REGIME) == []


@pytest.mark.parametrize("code, kind, place", MISFITS,
                         ids=[f"item-{c}-activity-target-fails-{k}-{p or ''}" for c, k, p in MISFITS])
def test_item_8_activity_target_fails(code, kind, place):
    [violation] = activity_target(doing(code, kind, place), REGIME)
    assert (violation.code, violation.item) == ("activity-target", f"{code} (D)")
    assert violation.citation == f"design choice (D) under Order 641, Rules item {code}"
    assert f"Activity {code}" in violation.message


def test_item_8_eligible_activities_for_a_street_include_8_1_and_8_4_and_the_item_6_types():
    assert [a.code for a in eligible_activities(REGIME, "public_place", "street")] == [
        "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "8.1", "8.4"]
    assert [a.code for a in eligible_activities(REGIME, "public_place", "market")] == [
        "6.1", "6.2", "6.3", "6.4", "6.5", "6.6", "6.7", "8.1"]


def test_item_8_eligible_activities_for_an_individual_keep_only_item_6():
    assert [a.code for a in eligible_activities(REGIME, "campus", collective=False)] == [
        f"6.{i}" for i in range(1, 8)]
    assert eligible_activities(REGIME, "emergency_area", collective=False) == []


@pytest.mark.parametrize("kind, place, code", [
    pytest.param(K.PATROL_ZONE, None, "8.1", id="item-8-default-activity-of-a-zone-is-8.1"),
    pytest.param(K.PUBLIC_PLACE, "street", "8.1", id="item-8-default-activity-of-a-street-is-8.1"),
    pytest.param(K.EVENT, None, "8.1", id="item-8-default-activity-of-an-event-is-8.1"),
    pytest.param(K.CAMPUS, None, "8.7", id="item-8-default-activity-of-a-campus-is-8.7"),
    pytest.param(K.PASTURE, None, "8.5", id="item-8-default-activity-of-a-pasture-is-8.5"),
])
def test_item_8_the_default_activity_is_the_first_collective_type_the_target_allows(kind, place, code):
    assert default_activity(REGIME, kind, place) == code


def test_item_8_a_target_no_type_fits_has_no_default_activity():
    assert default_activity(REGIME, "district") is None
