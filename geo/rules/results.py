"""Every rule of a regime run on one assignment, passed or not, each with what it enforces: the
supervisor's list of checks before signing off (a violation list says only what failed)."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain import AssignmentFacts, Violation
from ..messages import N_
from ..regimes import Regime
from .check import RULES
from .messages import Gettext, plain

# Rule code -> what the rule checks, as a supervisor reads it (msgids, translated where shown).
TITLES: dict[str, str] = {
    "closed-activity-list": N_("The activity is on the regime's closed list"),
    "collective-only": N_("The form of participation allows the activity"),
    "activity-target": N_("The activity fits the target"),
    "formation-notified": N_("The formation notified the territorial police body"),
    "formation-home-area": N_("The target lies in the formation's home area"),
    "police-supervision": N_("A supervising officer of the covering unit is on duty all shift"),
    "no-double-booking": N_("No double booking of the formation or the officer"),
    "event-window": N_("The shift lies within the event's hours"),
    "participant-eligible": N_("The members may take part"),
}


@dataclass(frozen=True)
class RuleResult:
    """One rule checked: its ``code``, what it checks (``title``), the compact ``item`` and the
    ``citation`` in words of what it enforces, and its ``violations`` (none when it passed)."""

    code: str
    title: str
    item: str
    citation: str
    violations: tuple[Violation, ...] = ()

    @property
    def passed(self) -> bool:
        return not self.violations

    def as_dict(self) -> dict:
        return {"code": self.code, "title": self.title, "item": self.item, "citation": self.citation,
                "passed": self.passed, "violations": [v.as_dict() for v in self.violations]}


def rule_results(facts: AssignmentFacts, regime: Regime, *, gettext: Gettext = plain) -> list[RuleResult]:
    """Each rule ``regime`` lists, in its order, run on ``facts``: passed or with its violations.

    The same rules as :func:`geo.rules.check_assignment` (which returns only the violations); the
    citation of a rule is the regime's for its code (Order 641 item, Law article or "design choice
    (D)"), in the language of ``gettext``.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> results = rule_results(example_facts(), get_regime())
    >>> len(results), all(r.passed for r in results), results[3].code, results[3].citation
    (9, True, 'formation-notified', 'Order 641, Rules item 7')
    >>> late = rule_results(replace(example_facts(), activity_code="8.6"), get_regime())
    >>> [r.code for r in late if not r.passed]
    ['activity-target']
    """
    out = []
    for code in regime.rules:
        citation = regime.citation(code)
        found = RULES[code](facts, regime, _=gettext)
        title = gettext(TITLES[code]) if code in TITLES else code
        out.append(RuleResult(code, title, citation.short, citation.text(gettext), tuple(found)))
    return out
