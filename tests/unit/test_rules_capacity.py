"""An officer's capacity for a shift: active and on duty all shift (item 8.1), below the regime's
limit of formations at once (D), with the reasons the dispatcher's list of officers shows."""
from __future__ import annotations

from dataclasses import replace

import pytest

from geo.regimes import get_regime
from geo.rules import officer_capacity
from geo.rules.examples import example_facts, period

REGIME = get_regime()
FACTS = example_facts()


def capacity(officer=FACTS.officer, load=0):
    return officer_capacity(officer, FACTS.shift, REGIME, concurrent_formations=load)


@pytest.mark.parametrize("load, free", [
    pytest.param(0, 2, id="D-an-officer-without-formations-is-free-for-the-limit"),
    pytest.param(1, 1, id="D-an-officer-with-one-formation-is-free-for-one-more"),
])
def test_d_a_free_officer_may_supervise_as_many_more_as_the_limit_leaves(load, free):
    found = capacity(load=load)
    assert (found.may_supervise, found.free, found.reasons) == (True, free, ())


def test_d_an_officer_at_the_limit_may_not_supervise_and_says_how_many_they_have():
    found = capacity(load=2)
    assert (found.may_supervise, found.free) == (False, 0)
    assert [(v.code, v.item, v.message) for v in found.reasons] == [
        ("no-double-booking", "8.1 (D)", "already supervises 2 formation(s) at that time")]
    assert found.reasons[0].citation == "design choice (D) under Order 641, Rules item 8.1"


@pytest.mark.parametrize("changes, messages", [
    pytest.param({"active": False}, ["not active"], id="8.1-an-inactive-officer-may-not-supervise"),
    pytest.param({"duty": (period("2026-05-09 08:00", "2026-05-09 20:00"),)},
                 ["not on duty for the whole shift"], id="8.1-an-officer-off-duty-part-of-the-shift-may-not"),
    pytest.param({"active": False, "duty": ()}, ["not active", "not on duty for the whole shift"],
                 id="8.1-every-reason-is-given"),
])
def test_8_1_an_officer_inactive_or_off_duty_may_not_supervise(changes, messages):
    found = capacity(replace(FACTS.officer, **changes), load=2)  # the load is no reason of its own then
    assert (found.may_supervise, found.free) == (False, 0)
    assert [(v.code, v.item) for v in found.reasons] == [("police-supervision", "8.1 (D)")] * len(messages)
    assert [v.message for v in found.reasons] == messages


def test_the_reasons_go_through_the_gettext_passed_in():
    found = officer_capacity(replace(FACTS.officer, active=False), FACTS.shift, REGIME, concurrent_formations=0,
                             _=lambda msgid, **params: "[" + (msgid % params if params else msgid) + "]")
    assert [v.message for v in found.reasons] == ["[not active]"]
