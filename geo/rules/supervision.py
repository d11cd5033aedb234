"""Rule ``police-supervision``: Order 641 item 8.1 — order in public places and at events is kept
"under direct management of staff of law-enforcement bodies"; the details are D."""
from __future__ import annotations

from collections.abc import Iterable

from ..domain import AssignmentFacts, Period, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, cited, local_time, plain

CODE = "police-supervision"
LABEL = N_("no supervising officer free")


def covered_by(shift: Period, duty: Iterable[Period]) -> bool:
    """True when the duty periods, joined where they touch or overlap, cover the whole shift.

    Examples
    --------
    >>> from geo.rules.examples import period, shift
    >>> covered_by(shift("2026-05-09 18:00", "2026-05-09 23:00"),
    ...            [period("2026-05-09 08:00", "2026-05-09 20:00"),
    ...             period("2026-05-09 20:00", "2026-05-10 08:00")])
    True
    """
    reached = shift.start
    for p in sorted(duty, key=lambda p: p.start):
        if p.start > reached:
            break
        if p.end > reached:
            reached = p.end
        if reached >= shift.end:
            return True
    return False


def police_supervision(facts: AssignmentFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """A supervised activity names an active officer of a unit covering the target, on duty all shift.

    Order 641 Rules item 8.1 (T): public order is kept "under direct management of staff"; the
    regime marks which types need a supervising officer (8.1; 6.2 "with direct participation of
    staff"; others by configuration). A missing officer cites the activity's own item (T). The
    details of "direct management" are design choices (D) cited under that item: the officer is
    active; their unit's jurisdiction covers the target (``officer.unit_covers_target``, from
    ``ST_Covers``); their duty periods cover the whole shift, edges included. A named officer is
    checked the same way even where the type requires none — a design choice with no text behind
    it (cited "design choice (D)", never item 8.1). Too many formations at once is
    ``no-double-booking`` (booking.py).

    Parameters
    ----------
    facts : AssignmentFacts
        Reads ``activity_code``, ``officer``, ``shift``, ``target`` and ``target_unit_ids``.
    regime : Regime
        Reads the activity list and the time zone for messages.
    _ : callable, keyword-only
        The gettext function for the user's language.

    Returns
    -------
    list of Violation
        One per failed condition, citing the activity's item (T) or a design choice (D) under it.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> police_supervision(example_facts(), get_regime())
    []
    >>> alone = replace(example_facts(), officer=None)
    >>> [(v.code, v.item, v.citation) for v in police_supervision(alone, get_regime())]
    [('police-supervision', '8.1', 'Order 641, Rules item 8.1')]
    >>> off = replace(example_facts(), officer=replace(example_facts().officer, duty=()))
    >>> [(v.item, v.citation) for v in police_supervision(off, get_regime())]
    [('8.1 (D)', 'design choice (D) under Order 641, Rules item 8.1')]
    >>> [(v.item, v.citation) for v in police_supervision(replace(off, activity_code="8.5"), get_regime())]
    [('D', 'design choice (D)')]
    """
    activity = regime.activity(facts.activity_code)
    needed = activity is not None and activity.needs_supervisor
    item = activity.item if needed else None
    officer = facts.officer
    if officer is None:
        if not needed:
            return []
        return [cited(regime, CODE, _(
            "Activity %(code)s is done under direct management of police staff: name a supervising "
            "officer.", code=facts.activity_code), _, item=item)]

    def detail(check: str, message: str) -> Violation:
        # the details of direct management under the activity's item; a named officer where none is needed: D
        return cited(regime, f"{CODE}:{check}" if needed else f"{CODE}:named-officer", message, _, item=item)

    found = []
    if not officer.active:
        found.append(detail("active", _(
            "Officer %(officer)s is not active and cannot supervise.", officer=officer.name)))
    if not officer.unit_covers_target:
        found.append(detail("jurisdiction", _(
            "Officer %(officer)s is not of the police unit whose jurisdiction covers %(target)s "
            "(units covering it: %(units)s).", officer=officer.name, target=facts.target.name,
            units=", ".join(map(str, facts.target_unit_ids)) or _("none"))))
    if not covered_by(facts.shift, officer.duty):
        found.append(detail("on-duty", _(
            "Officer %(officer)s is not on duty for the whole shift %(start)s – %(end)s.",
            officer=officer.name, start=local_time(facts.shift.start, regime.timezone),
            end=local_time(facts.shift.end, regime.timezone))))
    return found
