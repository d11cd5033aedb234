"""Rule ``no-double-booking`` (D): a formation is in one place at a time, and an officer directly
manages no more formations at once than the regime allows. The database repeats the formation
half as an ``EXCLUDE USING gist`` constraint, so racing requests cannot break it."""
from __future__ import annotations

from ..domain import AssignmentFacts, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, cited, plain

CODE = "no-double-booking"
LABEL = N_("already booked")


def no_double_booking(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """Neither the formation nor (beyond its capacity) the officer is booked in overlapping shifts.

    D (regime.md): the formation has no other live assignment whose shift overlaps this one
    (``facts.overlapping_assignment_ids``, touching shifts do not overlap, as with ``&&``); the
    supervising officer, counting this one, directly manages at most
    ``regime.max_formations_per_officer`` formations at once (``facts.officer_concurrent_formations``
    counts the others in overlapping shifts). The first is cited as a design choice; the second
    as a design choice under item 8.1 (a detail of "direct management").

    Parameters
    ----------
    facts : AssignmentFacts
        Reads ``formation``, ``overlapping_assignment_ids``, ``officer`` and
        ``officer_concurrent_formations``.
    regime : Regime
        Reads ``max_formations_per_officer`` and the citation.
    _ : callable, keyword-only
        The gettext function for the user's language.

    Returns
    -------
    list of Violation
        Up to two: the formation's and the officer's.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> no_double_booking(example_facts(), get_regime())
    []
    >>> twice = replace(example_facts(), overlapping_assignment_ids=(40,))
    >>> [v.message for v in no_double_booking(twice, get_regime())]
    ['Formation Samal Druzhina is already assigned in an overlapping shift (assignment 40).']
    >>> [(v.item, v.citation) for v in no_double_booking(replace(twice, officer_concurrent_formations=2),
    ...                                                  get_regime())]  # doctest: +NORMALIZE_WHITESPACE
    [('D', 'design choice (D)'),
     ('8.1 (D)', 'design choice (D) under Order 641, Rules item 8.1')]

    A lone participant is in one place at a time too (the database repeats it for them):

    >>> from geo.rules.examples import individual_facts
    >>> alone = replace(individual_facts(), overlapping_assignment_ids=(41,))
    >>> [v.message for v in no_double_booking(alone, get_regime())]
    ['Participant Aigerim Sadykova is already assigned in an overlapping shift (assignment 41).']
    """
    found = []
    ids = ", ".join(map(str, facts.overlapping_assignment_ids))
    if facts.overlapping_assignment_ids and facts.formation.is_collective:
        found.append(cited(regime, CODE, _(
            "Formation %(name)s is already assigned in an overlapping shift (assignment %(ids)s).",
            name=facts.formation.name, ids=ids), _))
    elif facts.overlapping_assignment_ids:
        found.append(cited(regime, CODE, _(
            "Participant %(name)s is already assigned in an overlapping shift (assignment %(ids)s).",
            name=facts.formation.name, ids=ids), _))
    officer = facts.officer
    limit = regime.max_formations_per_officer
    if officer is not None and facts.officer_concurrent_formations + 1 > limit:
        found.append(cited(regime, f"{CODE}:officer", _(
            "Officer %(officer)s already supervises %(count)d formations in overlapping shifts; "
            "at most %(limit)d at once.", officer=officer.name,
            count=facts.officer_concurrent_formations, limit=limit), _))
    return found
