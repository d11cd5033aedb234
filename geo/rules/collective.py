"""Rule ``collective-only`` (Order 641 items 5–8): item 8 types are done by formations; a lone
participant gives the item 6 assistance."""
from __future__ import annotations

from ..domain import AssignmentFacts, ParticipationForm, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, cited, plain

CODE = "collective-only"
LABEL = N_("not a formation")


def collective_only(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """Only a formation gets a collective (item 8) type; a lone participant does item 6 work.

    Order 641 items 5–8 (T): individual participation is the item 6 assistance; the item 8
    types are done "collectively". Unknown codes are left to ``closed-activity-list``.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> facts = example_facts()
    >>> alone = replace(facts, formation=replace(facts.formation, is_collective=False))
    >>> [(v.item, v.citation) for v in collective_only(alone, get_regime())]
    [('5-8', 'Order 641, Rules items 5-8')]
    >>> collective_only(replace(alone, activity_code="6.1"), get_regime())
    []
    """
    activity = regime.activity(facts.activity_code)
    if activity is None or activity.form != ParticipationForm.COLLECTIVE or facts.formation.is_collective:
        return []
    return [cited(regime, CODE, _(
        "%(name)s is an individual participant; activity %(code)s (%(title)s) is done only by a "
        "formation. Individual participants assist by reports and the item 6 types.",
        name=facts.formation.name, code=activity.code, title=_(activity.title)), _)]
