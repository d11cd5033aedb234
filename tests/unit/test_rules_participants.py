"""Rule participant-eligible (Law 590-II art. 5; Order 641 items 2.2-2.3): registered, 18 or older
on the shift date, certificate issued, legal training recorded."""
from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from geo.domain import CertificateStatus, RegistrationStatus
from geo.regimes import get_regime
from geo.rules import age_on
from geo.rules.examples import example_facts, member, shift
from geo.rules.participants import eligible_members, participant_eligible

REGIME = get_regime()
FACTS = example_facts()  # shift starts 2026-05-09 18:00 Almaty


def with_members(*members, **changes):
    return replace(FACTS, members=members, **changes)


def items(violations):
    return [(v.code, v.item) for v in violations]


def test_law_art_5_participant_eligible_passes():
    assert participant_eligible(FACTS, REGIME) == []


def test_law_art_5_participant_turning_18_on_the_shift_date_is_eligible():
    assert participant_eligible(with_members(member(birth_date=date(2008, 5, 9))), REGIME) == []


def test_law_art_5_participant_turning_18_the_day_after_the_shift_is_not():
    [violation] = participant_eligible(with_members(member(birth_date=date(2008, 5, 10))), REGIME)
    assert (violation.code, violation.item) == ("participant-eligible", "Law 590-II art. 5")
    assert "under 18 on 2026-05-09" in violation.message


def test_law_art_5_the_shift_date_is_the_almaty_date_the_shift_starts():
    # 2026-05-08 23:30 Almaty is 18:30 UTC the same day; the member turns 18 on 2026-05-09.
    night = with_members(member(birth_date=date(2008, 5, 9)), shift=shift("2026-05-08 23:30", "2026-05-09 06:00"))
    assert items(participant_eligible(night, REGIME)) == [("participant-eligible", "Law 590-II art. 5")]


def test_law_art_5_a_leap_day_birthday_turns_a_year_older_on_1_march():
    assert age_on(date(2008, 2, 29), date(2026, 2, 28)) == 17
    assert age_on(date(2008, 2, 29), date(2026, 3, 1)) == 18


@pytest.mark.parametrize("status", [s for s in RegistrationStatus if s != RegistrationStatus.REGISTERED],
                         ids=lambda s: f"law-art-5-participant-eligible-fails-{s}")
def test_law_art_5_participant_eligible_fails_unless_registered(status):
    [violation] = participant_eligible(with_members(member(registration=status)), REGIME)
    assert violation.item == "Law 590-II art. 5"
    assert str(status) in violation.message


def test_law_art_5_an_unknown_birth_date_fails():
    assert items(participant_eligible(with_members(member(birth_date=None)), REGIME)) == [
        ("participant-eligible", "Law 590-II art. 5")]


@pytest.mark.parametrize("certificate", [None, *[c for c in CertificateStatus if c != CertificateStatus.ISSUED]],
                         ids=lambda c: f"item-2.2-participant-eligible-fails-certificate-{c or 'none'}")
def test_item_2_2_participant_eligible_fails_without_an_issued_certificate(certificate):
    assert items(participant_eligible(with_members(member(certificate=certificate)), REGIME)) == [
        ("participant-eligible", "Order 641 item 2.2 (D)")]


@pytest.mark.parametrize("trained, broken", [
    pytest.param(date(2026, 5, 9), False, id="item-2.3-participant-eligible-trained-on-shift-date-passes"),
    pytest.param(date(2010, 1, 1), False, id="item-2.3-participant-eligible-old-training-passes-no-expiry"),
    pytest.param(None, True, id="item-2.3-participant-eligible-fails-untrained"),
    pytest.param(date(2026, 5, 10), True, id="item-2.3-participant-eligible-fails-trained-after-shift"),
])
def test_item_2_3_participant_eligible_legal_training(trained, broken):
    found = participant_eligible(with_members(member(legal_training_on=trained)), REGIME)
    assert items(found) == ([("participant-eligible", "Order 641 item 2.3 (D)")] if broken else [])


def test_item_2_3_training_expiry_is_a_setting():
    expiring = replace(REGIME, legal_training_valid_days=365)
    assert participant_eligible(with_members(member(legal_training_on=date(2025, 5, 9))), expiring) == []
    assert items(participant_eligible(with_members(member(legal_training_on=date(2025, 5, 8))), expiring)) == [
        ("participant-eligible", "Order 641 item 2.3 (D)")]


def test_every_failed_condition_of_every_member_is_reported():
    bad = member(13, "Timur Kim", registration=RegistrationStatus.POLICE_CHECK, birth_date=date(2010, 1, 1),
                 certificate=CertificateStatus.LOST, legal_training_on=None)
    found = participant_eligible(with_members(member(), bad, member(14, "Asel", certificate=None)), REGIME)
    assert [v.item for v in found] == ["Law 590-II art. 5", "Law 590-II art. 5", "Order 641 item 2.2 (D)",
                                       "Order 641 item 2.3 (D)", "Order 641 item 2.2 (D)"]
    assert all("Timur Kim" in v.message for v in found[:4]) and "Asel" in found[4].message


def test_d_certificate_and_training_are_cited_as_design_choices_not_as_items_2_2_2_3():
    found = participant_eligible(with_members(member(certificate=None, legal_training_on=None)), REGIME)
    assert [v.citation for v in found] == ["design choice (D) under Order 641 item 2.2",
                                           "design choice (D) under Order 641 item 2.3"]


@pytest.mark.parametrize("setting, changes", [
    pytest.param("require_certificate", {"certificate": CertificateStatus.LOST}, id="d-certificate-setting"),
    pytest.param("require_legal_training", {"legal_training_on": None}, id="d-training-setting"),
])
def test_d_certificate_and_training_checks_are_regime_settings(setting, changes):
    lacking = with_members(member(**changes))
    assert getattr(REGIME, setting) is True  # on by default for Order 641
    assert len(participant_eligible(lacking, REGIME)) == 1
    off = replace(REGIME, **{setting: False})
    assert participant_eligible(lacking, off) == []
    # the other checks still run with the setting off
    assert items(participant_eligible(with_members(member(birth_date=None, **changes)), off)) == [
        ("participant-eligible", "Law 590-II art. 5")]
    assert eligible_members([member(**changes)], date(2026, 5, 9), off) != []


def test_d_a_formation_with_no_eligible_member_is_a_design_choice():
    [violation] = participant_eligible(with_members(), REGIME)
    assert (violation.code, violation.item, violation.citation) == (
        "participant-eligible", "D", "design choice (D)")


def test_the_minimum_age_is_regime_data():
    assert REGIME.min_age_years == 18
    sixteen = replace(REGIME, min_age_years=16)
    assert participant_eligible(with_members(member(birth_date=date(2010, 5, 9))), sixteen) == []
