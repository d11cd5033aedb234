"""Every rule and check of Order 641 cites its act, and no design choice (D) is cited as text (issue 15).

The D keys are regime.md's design choices: no double booking, the event window, the certificate
and training conditions, a formation with no eligible member, the details of "direct management"
(item 8.1), the home-area override and the mapping of activity types to targets.
"""
from __future__ import annotations

import pytest

from geo.regimes import DESIGN, Act, Citation, as_citation, get_regime
from geo.regimes.order641 import LAW, ORDER, RULES
from geo.rules import RULES as RULE_FUNCTIONS

REGIME = get_regime("order-641")
ACTS = {RULES: "Order 641, Rules", ORDER: "Order 641", LAW: "Law 590-II"}

DESIGN_KEYS = {
    "no-double-booking",
    "no-double-booking:officer",
    "event-window",
    "participant-eligible:certificate",
    "participant-eligible:training",
    "participant-eligible:no-members",
    "participant-eligible:min-members",
    "board-shared-target",
    # issue 17.2: the Order is silent on location tracking; presence and consent are ours
    "presence-own-session", "presence-consent", "presence-checked-in", "presence-shift-window", "presence-speed",
    "presence-accuracy", "presence-check",
    "police-supervision:active",
    "police-supervision:jurisdiction",
    "police-supervision:on-duty",
    "police-supervision:named-officer",
    "formation-home-area:override",
    "formation-notified:jurisdiction",
    "collective-only:form",
    "activity-target",
}
TEXT_KEYS = {
    "formation-notified": "Order 641, Rules item 7",
    "formation-home-area": "Order 641, Rules item 7",
    "formation-home-area:base": "Order 641, Rules item 7",
    "closed-activity-list": "Law 590-II art. 7.1.1",
    "collective-only": "Order 641, Rules items 5-8",
    "police-supervision": "Order 641, Rules item 8.1",
    "police-supervision:service": "Order 641, Rules item 6.2",
    "participant-eligible": "Law 590-II art. 5",
    "participant-eligible:registered": "Law 590-II art. 5",
    "participant-eligible:age": "Law 590-II art. 5",
}
KEYS = sorted(set(REGIME.rules) | set(REGIME.citations))


def names_an_act(citation: Citation) -> bool:
    return citation.act in ACTS and bool(citation.item)


@pytest.mark.parametrize("key", KEYS)
def test_every_rule_and_check_names_its_act_or_is_a_design_choice(key):
    citation = REGIME.citation(key)
    assert names_an_act(citation) or (citation.is_design and citation.act is None), (
        f"{key}: {citation.text()!r} names no act of Order 641's regime")
    text = citation.text()
    assert text.startswith("design choice (D)") or any(text.startswith(name) for name in ACTS.values())


@pytest.mark.parametrize("key", sorted(DESIGN_KEYS))
def test_a_design_choice_is_never_cited_as_text(key):
    assert key in REGIME.citations, f"{key} is not cited at all"
    citation = REGIME.citation(key)
    assert citation.basis == DESIGN, f"{key} is a design choice (regime.md) but is cited as {citation.text()!r}"
    assert citation.text().startswith("design choice (D)") and citation.short.endswith(("(D)", "D"))


@pytest.mark.parametrize("key, text", sorted(TEXT_KEYS.items()))
def test_what_the_text_says_is_cited_with_act_and_item(key, text):
    assert REGIME.citation(key).text() == text


def test_the_citation_table_covers_every_rule_and_every_key():
    assert set(REGIME.rules) <= set(REGIME.citations)
    assert set(REGIME.rules) <= set(RULE_FUNCTIONS)
    assert set(REGIME.citations) == DESIGN_KEYS | set(TEXT_KEYS), "a new key: list it here as D or as text"


def test_a_citation_of_the_text_needs_act_and_item():
    with pytest.raises(ValueError):
        Citation(None, "8.1")
    with pytest.raises(ValueError):
        Citation(RULES, "")
    with pytest.raises(ValueError):
        Citation(RULES, "8.1", "X")


def test_a_string_citation_is_kept_but_names_no_act_so_the_check_above_refuses_it():
    raw = as_citation("Order 641 item 2.2")
    assert not names_an_act(raw) and not raw.is_design and raw.text() == "Order 641 item 2.2"
    assert as_citation("D").is_design and as_citation("D").act is None


def test_an_unknown_key_is_a_design_choice_not_a_claim_on_the_text():
    assert REGIME.citation("made-up").text() == "design choice (D)"
    assert REGIME.citation("formation-notified:detail").text() == "Order 641, Rules item 7"


def test_citations_render_in_the_readers_language():
    catalogue = {"Order 641, Rules item %(item)s": "Приказ МВД № 641, Правила, п. %(item)s",
                 "design choice (D) under %(citation)s": "проектное решение (D) к %(citation)s"}

    def russian(msgid, **params):
        return catalogue.get(msgid, msgid) % params

    citation = REGIME.citation("police-supervision:on-duty")
    assert citation.text(russian) == "проектное решение (D) к Приказ МВД № 641, Правила, п. 8.1"
    assert Citation(Act("x", "X %(item)s", "X %(item)s"), "1").text(russian) == "X 1"
