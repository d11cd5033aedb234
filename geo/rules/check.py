"""Running a regime's rules: every violation of an assignment at once, and a ranking of formations."""
from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from ..domain import AssignmentFacts, Violation
from ..regimes import Regime
from . import (activity, booking, closed_list, collective, event_window, home_area, notification, participants,
               supervision)
from .messages import Gettext, plain

Rule = Callable[..., list[Violation]]

# Rule code -> function. A regime names the codes it runs; a new rule is added here once.
RULES: dict[str, Rule] = {
    closed_list.CODE: closed_list.closed_activity_list,
    collective.CODE: collective.collective_only,
    activity.CODE: activity.activity_target,
    notification.CODE: notification.formation_notified,
    home_area.CODE: home_area.formation_home_area,
    supervision.CODE: supervision.police_supervision,
    booking.CODE: booking.no_double_booking,
    event_window.CODE: event_window.event_window,
    participants.CODE: participants.participant_eligible,
}

# Rule code -> what a summary calls a formation the rule kept away; msgids, translated where shown.
LABELS: dict[str, str] = {module.CODE: module.LABEL for module in (
    closed_list, collective, activity, notification, home_area, supervision, booking, event_window, participants)}


def rule_label(code: str, _: Gettext = plain) -> str:
    """What kept a formation away, in words: the rule's ``LABEL`` (an unknown code as it is).

    Examples
    --------
    >>> rule_label("no-double-booking"), rule_label("made-up")
    ('already booked', 'made-up')
    """
    return _(LABELS[code]) if code in LABELS else code


def check_assignment(facts: AssignmentFacts, regime: Regime, *, gettext: Gettext = plain,
                     skip: Iterable[str] = ()) -> list[Violation]:
    """Every violation of ``regime``'s rules by one proposed assignment; empty when it may be stored.

    Runs each rule the regime lists, in its order, and never stops at the first failure, so the
    caller can refuse the request with all of them at once (HTTP 422). ``skip`` leaves out rules
    by code (e.g. ``police-supervision`` while no officer is chosen yet).

    Parameters
    ----------
    facts : AssignmentFacts
        The assignment with every spatial and temporal fact precomputed by the query layer.
    regime : Regime
        The rules in force (``geo.regimes.get_regime(name)``).
    gettext : callable, keyword-only
        Translates messages into the user's language (``flask_babel.gettext`` on the web).
    skip : iterable of str, keyword-only
        Rule codes not to run.

    Returns
    -------
    list of Violation
        ``{code, item, message, citation}`` of every broken rule.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> check_assignment(example_facts(), get_regime())
    []
    >>> wrong = replace(example_facts(), activity_code="8.6", officer=None)
    >>> [(v.code, v.item) for v in check_assignment(wrong, get_regime())]
    [('activity-target', '8.6 (D)')]
    """
    skipped = set(skip)
    unknown = [code for code in regime.rules if code not in RULES]
    if unknown:
        raise KeyError(f"regime {regime.name!r} names rules that do not exist: {', '.join(unknown)}")
    found: list[Violation] = []
    for code in regime.rules:
        if code not in skipped:
            found += RULES[code](facts, regime, _=gettext)
    return found


@dataclass(frozen=True)
class FormationFit:
    """Why a formation may or may not take an assignment: its violations, for the dispatcher."""

    formation_id: int
    name: str
    violations: tuple[Violation, ...]

    @property
    def eligible(self) -> bool:
        return not self.violations

    @property
    def failed_codes(self) -> tuple[str, ...]:
        """The codes of the broken rules, each once, in the order found."""
        return tuple(dict.fromkeys(v.code for v in self.violations))

    def as_dict(self) -> dict:
        return {"formation_id": self.formation_id, "name": self.name, "eligible": self.eligible,
                "failed_codes": list(self.failed_codes),
                "violations": [v.as_dict() for v in self.violations]}


def explain_formation(facts: AssignmentFacts, regime: Regime, *, gettext: Gettext = plain,
                      skip: Iterable[str] = ()) -> FormationFit:
    """Which rules the formation of ``facts`` fails for its target and shift (``check_assignment``).

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> explain_formation(example_facts(), get_regime()).eligible
    True
    """
    violations = check_assignment(facts, regime, gettext=gettext, skip=skip)
    return FormationFit(facts.formation.id, facts.formation.name, tuple(violations))


def rank_formations(candidates: Iterable[AssignmentFacts], regime: Regime, *, gettext: Gettext = plain,
                    skip: Iterable[str] = ()) -> list[FormationFit]:
    """The candidate formations for one target, eligible first, then by fewest broken rules, then name.

    Each candidate is the same proposed assignment with a different formation (its notification,
    home-area facts, bookings and members). Pass ``skip=("police-supervision",)`` while the
    dispatcher has not chosen an officer, so every formation is not marked down for it alike.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> ok = example_facts()
    >>> busy = replace(ok, formation=replace(ok.formation, id=2, name="Aksai"), overlapping_assignment_ids=(9,))
    >>> [(f.name, f.failed_codes) for f in rank_formations([busy, ok], get_regime())]
    [('Samal Druzhina', ()), ('Aksai', ('no-double-booking',))]
    """
    skip = tuple(skip)
    fits = [explain_formation(f, regime, gettext=gettext, skip=skip) for f in candidates]
    return sorted(fits, key=lambda f: (not f.eligible, len(f.failed_codes), len(f.violations), f.name))
