"""What a printed shift sheet reminds the people on the shift of: the activity's item and the rules
of the regime that bear on this shift, each with its citation.

Which rules bear on a shift is a legal question, so it is answered here: every regime rule the
shift falls under, worded as a duty (what holds on the shift) instead of a violation.
"""
from __future__ import annotations

from dataclasses import dataclass

from ..messages import N_
from ..regimes import ActivityType, Citation, Regime
from . import closed_list, collective, event_window, home_area, notification, participants, supervision

# Rule (or check) key -> the duty it puts on the people of a shift; msgids, translated where shown.
DUTIES = {
    closed_list.CODE: N_("Only the activity named on this sheet: participants have no control or "
                         "supervisory functions."),
    supervision.CODE: N_("The shift works under the direct management of the supervising officer named "
                         "on this sheet."),
    home_area.CODE: N_("The formation acts at its place of residence, work, study or property (its home area)."),
    notification.CODE: N_("The formation acts after notifying the territorial internal-affairs body."),
    participants.CODE: N_("Only participants registered by the akimat and aged 18 or over take part."),
    f"{participants.CODE}:certificate": N_("Each member carries the certificate whose number is listed "
                                           "on this sheet."),
    event_window.CODE: N_("The shift stays within the event's hours."),
}


@dataclass(frozen=True)
class Duty:
    """One rule as the sheet states it: its key, the duty's msgid and what it enforces."""

    key: str
    text: str
    citation: Citation


def activity_citation(regime: Regime, activity: ActivityType) -> Citation:
    """The item of the regime an activity type comes from ("Order 641, Rules item 8.1"): the item of
    the act that lists the forms and types of participation (the act ``collective-only`` cites)."""
    return Citation(regime.citation(collective.CODE).act, activity.item)


def shift_duties(regime: Regime, activity: ActivityType | None, *, target_kind: str,
                 collective_shift: bool) -> list[Duty]:
    """The rules of ``regime`` that bear on a shift of ``activity`` at a target of ``target_kind``,
    done by a formation (``collective_shift``) or by one individual participant, in the regime's order.

    Examples
    --------
    >>> from geo.regimes import get_regime
    >>> regime = get_regime()
    >>> [d.key for d in shift_duties(regime, regime.activity("8.1"), target_kind="event", collective_shift=True)]
    ['closed-activity-list', 'formation-notified', 'formation-home-area', 'police-supervision', \
'event-window', 'participant-eligible', 'participant-eligible:certificate']
    >>> [d.citation.text() for d in shift_duties(regime, regime.activity("6.5"), target_kind="campus",
    ...                                          collective_shift=False)][:2]
    ['Law 590-II art. 7.1.1', 'Law 590-II art. 5']
    """
    found: list[Duty] = []
    for code in regime.rules:
        if code not in DUTIES:
            continue
        if code in (notification.CODE, home_area.CODE) and not collective_shift:
            continue  # item 7 speaks of collective participation only
        if code == supervision.CODE:
            if activity is None or not activity.needs_supervisor:
                continue
            # cited at the activity's own item (8.1, or 6.2 with the staff of the named services)
            found.append(Duty(code, DUTIES[code], regime.citation(code).at(activity.item)))
            continue
        if code == event_window.CODE and target_kind not in regime.windowed_target_kinds:
            continue
        found.append(Duty(code, DUTIES[code], regime.citation(code)))
        if code == participants.CODE and regime.require_certificate:
            key = f"{code}:certificate"
            found.append(Duty(key, DUTIES[key], regime.citation(key)))
    return found
