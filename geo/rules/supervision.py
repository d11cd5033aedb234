"""Rule ``police-supervision``: Order 641 item 8.1 — order in public places and at events is kept
"under direct management of staff of law-enforcement bodies"; the details are D."""
from __future__ import annotations

from collections.abc import Iterable

from ..domain import AssignmentFacts, Period, Violation
from ..regimes import Regime
from ..messages import N_
from .messages import Gettext, cited, local_time, plain, service_label

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
    Where the activity names ``supervising_services`` (6.2: "staff of the specified services",
    local police inspectors and units for minors, T), the officer belongs to one of them; this is
    participation of such staff, not the "direct management" of 8.1, and it holds for a formation
    and a lone participant alike.

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

    Item 6.2 for a lone participant: an officer of the specified services, not any officer.

    >>> from geo.rules.examples import individual_facts, local_inspector
    >>> task = replace(individual_facts(), activity_code="6.2")
    >>> [(v.code, v.item, v.citation) for v in police_supervision(task, get_regime())]
    [('police-supervision', '6.2', 'Order 641, Rules item 6.2')]
    >>> patrol = replace(task, officer=local_inspector(service="patrol"))
    >>> [v.message for v in police_supervision(patrol, get_regime())]  # doctest: +ELLIPSIS
    ['Activity 6.2 is done with the participation of staff of the specified services (juvenile affairs unit, local police inspectors); officer Maj. Aliya Serikova is of patrol police.']
    >>> police_supervision(replace(task, officer=local_inspector()), get_regime())
    []
    """
    activity = regime.activity(facts.activity_code)
    needed = activity is not None and activity.needs_supervisor
    item = activity.item if needed else None
    services = activity.supervising_services if activity is not None else None
    officer = facts.officer
    if officer is None:
        if not needed:
            return []
        if services is not None:
            return [cited(regime, f"{CODE}:service", _(
                "Activity %(code)s is done with the participation of staff of the specified services "
                "(%(services)s): name an officer of one of them.",
                code=facts.activity_code, services=_services(services, _)), _)]
        return [cited(regime, CODE, _(
            "Activity %(code)s is done under direct management of police staff: name a supervising "
            "officer.", code=facts.activity_code), _, item=item)]

    def detail(check: str, message: str) -> Violation:
        # the details of direct management under the activity's item; a named officer where none is needed: D
        return cited(regime, f"{CODE}:{check}" if needed else f"{CODE}:named-officer", message, _, item=item)

    found = []
    if services is not None and officer.service not in services:
        found.append(cited(regime, f"{CODE}:service", _(
            "Activity %(code)s is done with the participation of staff of the specified services "
            "(%(services)s); officer %(officer)s is of %(service)s.", code=facts.activity_code,
            services=_services(services, _), officer=officer.name, service=service_label(officer.service, _)), _))
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


def _services(services: Iterable[str], _: Gettext) -> str:
    return ", ".join(sorted(service_label(s, _) for s in services))
