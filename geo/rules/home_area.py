"""Rule ``formation-home-area``: Order 641 item 7 — a formation acts where its members live, work,
study or hold property; an officer may override that with a reason (D)."""
from __future__ import annotations

from ..domain import AssignmentFacts, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, plain, target_label

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
    supervising officer. Lone participants (item 6) have no home area and pass.

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
        return [Violation(CODE, regime.cite(CODE), _(
            "The home area of formation %(name)s is not recorded.", name=formation.name))]
    if home.inside or home.distance_m <= regime.home_area_allowance_m:
        return []
    override = facts.override
    if override is None:
        return [Violation(CODE, regime.cite(CODE), _(
            "%(target)s (%(kind)s) lies %(distance).0f m outside the home area of formation %(name)s "
            "(residence, work, study or property); a supervising officer may record an override "
            "with a reason.", target=facts.target.name, kind=target_label(facts.target.kind, _),
            distance=home.distance_m, name=formation.name))]
    item = regime.cite(f"{CODE}:override")
    found = []
    if not override.reason.strip():
        found.append(Violation(CODE, item, _(
            "The override letting formation %(name)s act outside its home area gives no reason.",
            name=formation.name)))
    if regime.override_by_assigned_supervisor_only and (
            facts.officer is None or facts.officer.id != override.officer_id):
        found.append(Violation(CODE, item, _(
            "Only the assignment's supervising officer may override the home area of formation "
            "%(name)s.", name=formation.name)))
    return found
