"""Rule ``collective-only`` (Order 641 items 5–8): item 8 types are done by formations; a lone
participant gives the item 6 assistance."""
from __future__ import annotations

from ..domain import AssignmentFacts, ParticipationForm, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, cited, plain

CODE = "collective-only"
LABEL = N_("not a formation")
# The recorded forms as msgids: a message shows them in the reader's language.
FORM_MSGIDS = (N_("individual"), N_("member"), N_("both"))


def collective_only(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """Only a formation gets a collective (item 8) type; a lone participant does item 6 work.

    Order 641 items 5–8 (T): individual participation is the item 6 assistance; the item 8
    types are done "collectively". Unknown codes are left to ``closed-activity-list``. A lone
    participant is given a task only when the form they recorded is one of
    ``regime.individual_forms`` (D; item 5 gives the two forms): one recorded only as a member of a
    formation assists with it.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts, individual_facts
    >>> alone = individual_facts()
    >>> [(v.code, v.item, v.citation) for v in collective_only(replace(alone, activity_code="8.1"), get_regime())]
    [('collective-only', '5-8', 'Order 641, Rules items 5-8')]
    >>> collective_only(alone, get_regime()), collective_only(individual_facts("both"), get_regime())
    ([], [])
    >>> [v.item for v in collective_only(individual_facts("member"), get_regime())]
    ['5 (D)']
    >>> collective_only(example_facts(), get_regime())
    []
    """
    assignee = facts.formation
    if assignee.is_collective:
        return []
    found = []
    if assignee.participation_form not in regime.individual_forms:
        found.append(cited(regime, f"{CODE}:form", _(
            "%(name)s has not recorded the individual form of participation (recorded: %(form)s); "
            "a task is given to them with their formation.",
            name=assignee.name, form=_(assignee.participation_form or "none")), _))
    activity = regime.activity(facts.activity_code)
    if activity is not None and activity.form == ParticipationForm.COLLECTIVE:
        found.append(cited(regime, CODE, _(
            "%(name)s is an individual participant; activity %(code)s (%(title)s) is done only by a "
            "formation. Individual participants assist by reports and the item 6 types.",
            name=assignee.name, code=activity.code, title=_(activity.title)), _))
    return found
