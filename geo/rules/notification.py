"""Rule ``formation-notified``: Order 641 Rules item 7 — a formation acts after notifying the police."""
from __future__ import annotations

from ..domain import AssignmentFacts, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, cited, plain

CODE = "formation-notified"
LABEL = N_("not notified to the police")


def formation_notified(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """A formation gets no assignment before its notification to the territorial police body.

    Order 641 item 7 (T): citizens participate collectively "with the notification of the
    territorial authority of internal affairs". The notification is recorded with the unit, date
    and reference; one dated after the day the shift starts does not cover that shift. The body
    notified is the territorial one: the unit whose jurisdiction holds at least
    ``regime.notified_unit_min_share`` of the formation's home area (the share is D).
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
    >>> [(v.code, v.item, v.citation) for v in formation_notified(silent, get_regime())]
    [('formation-notified', '7', 'Order 641, Rules item 7')]
    >>> elsewhere = replace(facts.formation.notification, unit_name="Unit 9", home_area_share=0.1)
    >>> [v.message for v in formation_notified(replace(facts, formation=replace(facts.formation,
    ...                                         notification=elsewhere)), get_regime())]  # doctest: +ELLIPSIS
    ['Formation Samal Druzhina notified Unit 9, whose jurisdiction holds 10% of its home area ...']

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
        return [cited(regime, CODE, _(
            "Formation %(name)s has not notified the territorial police body; record the unit, date "
            "and reference of its notification before assigning it.", name=formation.name), _)]
    share = notification.home_area_share
    if share is not None and share < regime.notified_unit_min_share:
        return [cited(regime, f"{CODE}:jurisdiction", _(
            "Formation %(name)s notified %(unit)s, whose jurisdiction holds %(share)s%% of its home area "
            "(at least %(least)s%% is asked for): item 7 asks for the territorial police body where the "
            "formation acts; record its notification of that unit.",
            name=formation.name, unit=notification.unit_name or f"#{notification.unit_id}",
            share=round(100 * share), least=round(100 * regime.notified_unit_min_share)), _)]
    shift_date = facts.shift.local_date(regime.timezone)
    if notification.notified_on > shift_date:
        return [cited(regime, CODE, _(
            "Formation %(name)s notified the police on %(notified)s, after the shift on %(shift)s.",
            name=formation.name, notified=notification.notified_on.isoformat(),
            shift=shift_date.isoformat()), _)]
    return []
