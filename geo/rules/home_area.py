"""Rule ``formation-home-area``: Order 641 Rules item 7 — a formation acts where its members live, work,
study or hold property; an officer may override that with a reason (D)."""
from __future__ import annotations

from ..domain import AssignmentFacts, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, base_label, cited, plain, target_label

CODE = "formation-home-area"
LABEL = N_("outside its home area")


def formation_home_area(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """The target lies within the formation's home area, unless an officer overrides with a reason.

    Order 641 item 7 (T): a formation participates "at the place of residence, work, study or
    where their property is". Whether the target lies inside the home area and how far outside
    it is (metres, ``geography``) come precomputed in ``facts.home_area``. Targets up to
    ``regime.home_area_allowance_m`` outside still pass (D, default 0 m). Otherwise an override
    is needed (D): it must give a non-blank reason and, when
    ``regime.override_by_assigned_supervisor_only`` (D), come from the assignment's own
    supervising officer. Where the formation's base (the place of its residence, work, study or
    property) is recorded, the home area must hold it, whatever the target (T item 7; no override).
    Lone participants (item 6) have no home area and pass.

    Parameters
    ----------
    facts : AssignmentFacts
        Reads ``formation``, ``target``, ``home_area``, ``override`` and ``officer``.
    regime : Regime
        Reads the allowance, the override setting and the citations.
    _ : callable, keyword-only
        The gettext function for the user's language.

    Returns
    -------
    list of Violation
        Empty when the target is in the home area or a valid override is recorded.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.domain import HomeAreaFacts, HomeAreaOverride
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> away = replace(example_facts(), home_area=HomeAreaFacts(inside=False, distance_m=1250.0))
    >>> [v.message for v in formation_home_area(away, get_regime())]  # doctest: +ELLIPSIS
    ['Republic Square (public place) lies 1250 m outside the home area of formation Samal Druzhina...']
    >>> formation_home_area(replace(away, override=HomeAreaOverride(21, "city day")), get_regime())
    []
    >>> [(v.item, v.citation) for v in formation_home_area(replace(away, override=HomeAreaOverride(21, " ")),
    ...                                                    get_regime())]
    [('7 (D)', 'design choice (D) under Order 641, Rules item 7')]
    >>> astray = replace(example_facts(), formation=replace(example_facts().formation, base_in_home_area=False,
    ...                                                     base_address="Abai Ave. 1", base_type="study"))
    >>> [(v.citation, v.message) for v in formation_home_area(astray, get_regime())]  # doctest: +ELLIPSIS
    [('Order 641, Rules item 7', 'The home area of formation Samal Druzhina does not hold its recorded base (Abai...')]

    Item 7 is about collective participation: a lone participant has no home area to keep to.

    >>> from geo.rules.examples import individual_facts
    >>> formation_home_area(individual_facts(), get_regime())
    []
    """
    formation = facts.formation
    if not formation.is_collective:
        return []
    home = facts.home_area
    if home is None:
        return [cited(regime, CODE, _(
            "The home area of formation %(name)s is not recorded.", name=formation.name), _)]
    if formation.base_in_home_area is False:
        # The area a formation acts in is the place of its base (item 7), which an override of a
        # target outside it does not change.
        return [cited(regime, f"{CODE}:base", _(
            "The home area of formation %(name)s does not hold its recorded base (%(base)s, %(kind)s): "
            "item 7 has a formation act where its members live, work, study or hold property; "
            "correct the home area or the base.", name=formation.name, base=formation.base_address or "—",
            kind=base_label(formation.base_type, _)), _)]
    if home.inside or home.distance_m <= regime.home_area_allowance_m:
        return []
    override = facts.override
    if override is None:
        return [cited(regime, CODE, _(
            "%(target)s (%(kind)s) lies %(distance).0f m outside the home area of formation %(name)s "
            "(residence, work, study or property); a supervising officer may record an override "
            "with a reason.", target=facts.target.name, kind=target_label(facts.target.kind, _),
            distance=home.distance_m, name=formation.name), _)]
    key = f"{CODE}:override"
    found = []
    if not override.reason.strip():
        found.append(cited(regime, key, _(
            "The override letting formation %(name)s act outside its home area gives no reason.",
            name=formation.name), _))
    if regime.override_by_assigned_supervisor_only and (
            facts.officer is None or facts.officer.id != override.officer_id):
        found.append(cited(regime, key, _(
            "Only the assignment's supervising officer may override the home area of formation "
            "%(name)s.", name=formation.name), _))
    return found
