"""Every rule of the regime, passed or not, with what it checks and its citation: the supervisor's list."""
from __future__ import annotations

import doctest
from dataclasses import replace

import pytest

from geo.regimes import get_regime
from geo.rules import RULES
from geo.rules import results
from geo.rules.examples import example_facts
from geo.rules.results import TITLES, rule_results

REGIME = get_regime("order-641")


def test_the_examples_hold():
    assert doctest.testmod(results).failed == 0


def test_every_rule_has_a_title():
    assert set(TITLES) == set(RULES) >= set(REGIME.rules)


def test_a_lawful_assignment_passes_every_rule_each_citing_its_act():
    found = rule_results(example_facts(), REGIME)
    assert [r.code for r in found] == list(REGIME.rules)
    assert all(r.passed for r in found)
    assert {r.code: r.citation for r in found} == {code: REGIME.citation(code).text() for code in REGIME.rules}


@pytest.mark.parametrize("change, code", [
    (dict(activity_code="8.6"), "activity-target"),                    # item 8 mapping (D)
    (dict(overlapping_assignment_ids=(9,)), "no-double-booking"),      # D
    (dict(officer_concurrent_formations=2), "no-double-booking"),      # D under item 8.1
    (dict(officer=None), "police-supervision"),                        # item 8.1
])
def test_a_broken_rule_is_failed_with_its_violations_and_the_others_pass(change, code):
    found = rule_results(replace(example_facts(), **change), REGIME)
    assert [r.code for r in found if not r.passed] == [code]
    assert all(v.code == code for r in found for v in r.violations)


def test_titles_and_citations_come_in_the_language_of_gettext():
    shouting = rule_results(example_facts(), REGIME, gettext=lambda msgid, **kw: (msgid % kw if kw else msgid).upper())
    assert shouting[3].title == TITLES["formation-notified"].upper()
    assert shouting[3].citation == "ORDER 641, RULES ITEM 7"
