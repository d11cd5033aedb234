"""Rule ``formation-notified``: Order 641 item 7 — a formation acts after notifying the police."""
from __future__ import annotations

from ..domain import AssignmentFacts, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, plain

CODE = "formation-notified"
LABEL = N_("not notified to the police")


def formation_notified(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """A formation gets no assignment before its notification to the territorial police body.

    Order 641 item 7 (T): citizens participate collectively "with the notification of the
    territorial authority of internal affairs". The notification is recorded with the unit, date
    and reference; one dated after the day the shift starts does not cover that shift.
    A lone participant (item 6) is not a formation and needs no notification.

    Parameters
    ----------
    facts : AssignmentFacts
        The proposed assignment; reads ``formation`` and ``shift``.
    regime : Regime
        The rules in force; reads the citation and the time zone of the shift date.
    _ : callable, keyword-only
        The gettext function for the user's language.

    Returns
    -------
    list of Violation
        Empty when the formation was notified in time.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> facts = example_facts()
    >>> formation_notified(facts, get_regime())
    []
    >>> silent = replace(facts, formation=replace(facts.formation, notification=None))
    >>> [(v.code, v.item) for v in formation_notified(silent, get_regime())]
    [('formation-notified', '7')]

    Item 7 is about collective participation: a lone participant notifies nobody.

    >>> from geo.rules.examples import individual_facts
    >>> formation_notified(individual_facts(), get_regime())
    []
    """
    formation = facts.formation
    if not formation.is_collective:
        return []
    notification = formation.notification
    if notification is None or not notification.reference.strip():
        return [Violation(CODE, regime.cite(CODE), _(
            "Formation %(name)s has not notified the territorial police body; record the unit, date "
            "and reference of its notification before assigning it.", name=formation.name))]
    shift_date = facts.shift.local_date(regime.timezone)
    if notification.notified_on > shift_date:
        return [Violation(CODE, regime.cite(CODE), _(
            "Formation %(name)s notified the police on %(notified)s, after the shift on %(shift)s.",
            name=formation.name, notified=notification.notified_on.isoformat(),
            shift=shift_date.isoformat()))]
    return []
