"""The eligibility mask of a shift plan: which formation may go to which target, by the regime's rules.

A pair (formation, target) is eligible when ``geo.rules.check_assignment`` finds no violation in the
facts ``assign_formation`` would check for it: every member who may take part, and a supervising officer
of a unit covering the target who is free for the target's shift (by ``geo.rules.officer_capacity``, as
the dispatcher's list of officers says). The spatial facts of all pairs come from a few batched queries
that compute what ``geo.services.dispatch.assign.build_facts`` computes for one; the rule functions are
the same. What the mask cannot see is how the plan's own items load an officer: the planner settles that
when it hands out officers.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np
from sqlalchemy.orm import Session

from ...access import Principal
from ...db import dispatch as q
from ...db import planning as db
from ...db.models import Formation, Officer
from ...domain import AssignmentFacts, HomeAreaFacts, MemberFacts, OfficerFacts, Shift, TargetFacts, TargetKind
from ...regimes import Regime
from ...rules import check_assignment, default_activity
from ...rules.messages import Gettext, plain
from . import distance as distances
from ..dispatch.assign import _members, _officer_facts
from ..dispatch.options import officer_capacities
from .demand import DemandTarget, SupplyFormation


@dataclass(frozen=True)
class Mask:
    """``eligible`` and ``travel_m`` are (formations × targets); per target: its activity, the
    officers free to supervise it (least loaded first; ``free`` is how many more formations each
    may take), and how often each rule failed across the formations; ``members`` of each eligible
    pair (row, column): who may take part on the target's shift date. ``distance`` says how
    ``travel_m`` was measured ("network" or "straight", see ``.distance``), ``straight_pairs``
    how many pairs the streets could not join."""

    eligible: np.ndarray
    travel_m: np.ndarray
    activities: tuple[str | None, ...]
    officers: tuple[tuple[dict, ...], ...]
    failures: tuple[Counter, ...]
    members: dict[tuple[int, int], tuple[MemberFacts, ...]]
    distance: str = "straight"
    straight_pairs: int = 0


class _Facts:
    """Facts shared by many pairs, asked for once each."""

    def __init__(self, session: Session, viewer: Principal, regime: Regime, formation_ids: list[int]):
        self.session, self.viewer, self.regime, self.formation_ids = session, viewer, regime, formation_ids
        self._officers, self._officer_facts, self._load, self._overlap, self._members = {}, {}, {}, {}, {}

    def officers(self, target: DemandTarget, units: tuple[int, ...]) -> tuple[dict, ...]:
        """Officers free to supervise the target's shift, least loaded first; the answer of
        ``officer_capacities`` depends on the target only through the units covering it."""
        key = (units, target.shift)
        if key not in self._officers:
            listed = officer_capacities(self.session, viewer=self.viewer, target_kind=target.kind,
                                        target_id=target.id, starts_at=target.shift.start,
                                        ends_at=target.shift.end, regime_name=self.regime.name)
            free = [o | {"free": capacity.free} for o, capacity in listed if capacity.may_supervise]
            self._officers[key] = tuple(sorted(free, key=lambda o: (-o["free"], o["name"], o["id"])))
        return self._officers[key]

    def officer(self, officer_id: int, shift: Shift, units: tuple[int, ...]) -> OfficerFacts:
        key = (officer_id, shift, units)
        if key not in self._officer_facts:
            row = self.session.get(Officer, officer_id)
            self._officer_facts[key] = _officer_facts(self.session, row, shift, units)
        return self._officer_facts[key]

    def load(self, officer_id: int, shift: Shift, formation_id: int) -> int:
        key = (officer_id, shift, formation_id)
        if key not in self._load:
            self._load[key] = q.officer_load(self.session, officer_id, shift, formation_id=formation_id)
        return self._load[key]

    def overlapping(self, shift: Shift) -> dict[int, tuple[int, ...]]:
        if shift not in self._overlap:
            self._overlap[shift] = q.overlapping_assignments(self.session, self.formation_ids, shift)
        return self._overlap[shift]

    def members(self, formation: SupplyFormation, shift: Shift, planned: Shift):
        if shift.local_date(self.regime.timezone) == planned.local_date(self.regime.timezone):
            return formation.members
        key = (formation.id, shift.local_date(self.regime.timezone))
        if key not in self._members:
            row = self.session.get(Formation, formation.id)
            self._members[key] = _members(self.session, row, shift, None, self.regime)
        return self._members[key]


def eligibility(session: Session, *, viewer: Principal, targets: tuple[DemandTarget, ...],
                supply: tuple[SupplyFormation, ...], planned: Shift, regime: Regime,
                gettext: Gettext = plain, distance: str | None = None) -> Mask:
    """The eligibility mask of ``supply`` × ``targets`` by ``regime``'s rules, with travel distances
    measured as ``distance`` asks (``distances.travel``: the network where streets are loaded).

    Examples
    --------
    >>> mask = eligibility(session, viewer=SYSTEM, targets=demand.targets, supply=supply,
    ...                    planned=demand.shift, regime=get_regime())  # doctest: +SKIP
    >>> mask.eligible.sum(), mask.failures[0].most_common(1)  # doctest: +SKIP
    (4, [('formation-home-area', 9)])
    """
    n_f, n_t = len(supply), len(targets)
    eligible, travel = np.zeros((n_f, n_t), bool), np.full((n_f, n_t), np.inf)
    ids = [f.id for f in supply]
    shared = _Facts(session, viewer, regime, ids)
    reach, units = {}, {}
    for kind in dict.fromkeys(t.kind for t in targets):
        of_kind = [t for t in targets if t.kind == kind]
        shapes = [(t.id, t.geometry.wkb) for t in of_kind]
        found = db.home_area_reach(session, ids, shapes, allowance_m=regime.home_area_allowance_m)
        reach.update({(kind, *pair): r for pair, r in found.items()})
        units.update({(kind, i): u for i, u in db.units_covering(session, kind, [t.id for t in of_kind]).items()})
    activities, officers, failures, members = [], [], [], {}
    for j, t in enumerate(targets):
        row = q.target_row(session, t.kind, t.id)
        target = TargetFacts(TargetKind(row.kind), row.id, row.name, row.place_kind, row.window)
        activity = default_activity(regime, t.kind, t.place_kind)
        unit_ids = units[(t.kind, t.id)]
        free = shared.officers(t, unit_ids)
        officer = shared.officer(free[0]["id"], t.shift, unit_ids) if free else None
        overlapping, failed = shared.overlapping(t.shift), Counter()
        for i, f in enumerate(supply):
            r = reach[(t.kind, f.id, t.id)]
            facts = AssignmentFacts(
                formation=f.facts, target=target, activity_code=activity or "", shift=t.shift, officer=officer,
                target_unit_ids=unit_ids, home_area=HomeAreaFacts(r.inside, r.beyond_m),
                overlapping_assignment_ids=overlapping.get(f.id, ()),
                officer_concurrent_formations=shared.load(officer.id, t.shift, f.id) if officer else 0,
                members=shared.members(f, t.shift, planned))
            violations = check_assignment(facts, regime, gettext=gettext)
            eligible[i, j] = not violations
            if not violations:
                members[(i, j)] = facts.members
            travel[i, j] = r.travel_m
            failed.update({v.code for v in violations})
        activities.append(activity)
        officers.append(free)
        failures.append(failed)
    measured = distances.travel(session, travel, ids, targets, distance=distance)
    return Mask(eligible, measured.travel_m, tuple(activities), tuple(officers), tuple(failures), members,
                measured.distance, measured.straight_pairs)
