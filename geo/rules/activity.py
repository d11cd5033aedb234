"""Rule ``activity-target`` (Order 641 Rules item 8, mapping D): each activity type fits only some targets;
and the types a target allows, the one proposed for it first.

The list itself is closed (``closed_list.py``) and item 8 types belong to formations
(``collective.py``).
"""
from __future__ import annotations

from ..domain import AssignmentFacts, ParticipationForm, Violation
from ..regimes import ActivityType, Regime
from ..messages import N_
from .messages import Gettext, cited, plain, target_label, target_labels

CODE = "activity-target"
LABEL = N_("the activity does not fit")


def activity_target(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """The activity type fits the kind of target (and, for public places, the kind of place).

    Order 641 item 8 (T) with the mapping D of the regime: 8.1 → public place, patrol zone or
    event; 8.4 → street or thoroughfare, or a zone; 8.5 → pasture; 8.6 → crop field;
    8.7 → campus; 8.2/8.3 → incident or emergency area; item 6 types → the places the regime
    lists for them. The violation cites the mapping as a design choice under the activity's own
    item.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> activity_target(example_facts(), get_regime())
    []
    >>> herding = replace(example_facts(), activity_code="8.5")
    >>> [(v.code, v.item, v.citation) for v in activity_target(herding, get_regime())]
    [('activity-target', '8.5 (D)', 'design choice (D) under Order 641, Rules item 8.5')]
    """
    activity = regime.activity(facts.activity_code)
    target = facts.target
    if activity is None or activity.fits(target.kind, target.place_kind):
        return []
    return [cited(regime, CODE, _(
        "Activity %(code)s (%(title)s) does not fit %(target)s (%(kind)s); it fits: %(fits)s.",
        code=activity.code, title=_(activity.title), target=target.name,
        kind=_describe(target.kind, target.place_kind, _), fits=_fits(activity, _)), _, item=activity.item)]


def eligible_activities(regime: Regime, target_kind: str, place_kind: str | None = None, *,
                        collective: bool = True) -> list[ActivityType]:
    """The activity types of ``regime`` that may be aimed at a target of this kind.

    ``collective=False`` keeps only the types a lone participant may do (item 6, T items 5–8).

    Examples
    --------
    >>> from geo.regimes import get_regime
    >>> [a.code for a in eligible_activities(get_regime(), "pasture")]
    ['6.6', '8.5']
    >>> [a.code for a in eligible_activities(get_regime(), "public_place", "street", collective=False)]
    ['6.1', '6.2', '6.3', '6.4', '6.5', '6.6', '6.7']
    """
    return [a for a in regime.activities
            if a.fits(target_kind, place_kind)
            and (collective or a.form == ParticipationForm.INDIVIDUAL)]


def default_activity(regime: Regime, target_kind: str, place_kind: str | None = None) -> str | None:
    """The type proposed for a target: the first collective (item 8) type it allows, else its first.

    Examples
    --------
    >>> from geo.regimes import get_regime
    >>> default_activity(get_regime(), "patrol_zone"), default_activity(get_regime(), "campus")
    ('8.1', '8.7')
    >>> default_activity(get_regime(), "district") is None
    True
    """
    activities = eligible_activities(regime, target_kind, place_kind)
    collective = [a for a in activities if a.form == ParticipationForm.COLLECTIVE] or activities
    return collective[0].code if collective else None


def _describe(kind: str, place_kind: str | None, _: Gettext) -> str:
    label = target_label(kind, _)
    return f"{label}: {place_kind}" if place_kind else label


def _fits(activity: ActivityType, _: Gettext) -> str:
    fits = target_labels(activity.target_kinds, _)
    if activity.place_kinds is not None:
        fits += " " + _("(public places of kind %(kinds)s)", kinds=", ".join(sorted(activity.place_kinds)))
    return fits
