"""Rule ``event-window`` (D): a shift at an event lies within the event's time window."""
from __future__ import annotations

from ..domain import AssignmentFacts, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, cited, local_time, plain

CODE = "event-window"
LABEL = N_("outside the event's hours")


def event_window(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """The shift lies within the target's window, for kinds in ``regime.windowed_target_kinds``.

    D (regime.md): events of item 8.1 have a period (``starts_at``–``ends_at``); a formation's
    shift there starts no earlier than ``regime.window_lead`` before it and ends no later than
    ``regime.window_trail`` after it (both D, default 0). The edges count as inside. A windowed
    target without a recorded window is a violation too.

    Parameters
    ----------
    facts : AssignmentFacts
        Reads ``target`` (kind, name, window) and ``shift``.
    regime : Regime
        Reads the windowed kinds, lead and trail, the time zone and the citation.
    _ : callable, keyword-only
        The gettext function for the user's language.

    Returns
    -------
    list of Violation
        Empty when the target has no window rule or the shift fits its window.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.domain import TargetFacts, TargetKind
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts, period
    >>> match = TargetFacts(TargetKind.EVENT, 3, "Derby", window=period("2026-05-09 19:00", "2026-05-09 22:00"))
    >>> [(v.code, v.citation) for v in event_window(replace(example_facts(), target=match), get_regime())]
    [('event-window', 'design choice (D)')]
    """
    target = facts.target
    if target.kind not in regime.windowed_target_kinds:
        return []
    if target.window is None:
        return [cited(regime, CODE, _(
            "%(target)s has no recorded time window; a shift there cannot be checked against it.",
            target=target.name), _)]
    allowed = target.window.widened(before=regime.window_lead, after=regime.window_trail)
    if allowed.contains(facts.shift):
        return []
    tz = regime.timezone
    return [cited(regime, CODE, _(
        "The shift %(start)s – %(end)s lies outside %(target)s, %(opens)s – %(closes)s.",
        start=local_time(facts.shift.start, tz), end=local_time(facts.shift.end, tz), target=target.name,
        opens=local_time(allowed.start, tz), closes=local_time(allowed.end, tz)), _)]
