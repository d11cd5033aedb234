"""Rule ``closed-activity-list`` (Law 590-II art. 7.1.1, title of Order 641): participants have no
control or supervisory functions, so only the regime's listed activity types can be assigned."""
from __future__ import annotations

from ..domain import AssignmentFacts, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, cited, plain

CODE = "closed-activity-list"
LABEL = N_("no activity of the list fits")


def closed_activity_list(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """The activity code is on the regime's closed list; nothing else can be assigned.

    Law 590-II art. 7.1.1 and the title of Order 641 (T): participation is "not connected with
    control and supervising functions", so there is no inspection, document check or the like —
    only the listed types (items 6 and 8).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> closed_activity_list(example_facts(), get_regime())
    []
    >>> checks = replace(example_facts(), activity_code="document-check")
    >>> [(v.code, v.citation) for v in closed_activity_list(checks, get_regime())]
    [('closed-activity-list', 'Law 590-II art. 7.1.1')]
    """
    if regime.activity(facts.activity_code) is not None:
        return []
    return [cited(regime, CODE, _(
        "Activity %(code)s is not one of the types of %(regime)s (%(codes)s); citizens have no "
        "control or supervisory functions.", code=facts.activity_code, regime=_(regime.title),
        codes=", ".join(regime.codes())), _)]
