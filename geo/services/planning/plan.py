"""Propose a shift plan and accept it (issue 5): formations to zones, places and events, within the rules.

``propose_plan`` reads the demand and supply of the shift (``demand``), asks the regime's rules
which formation may go where (``mask``), has HiGHS find the best plan
(``geo.analysis.planning.plan_shift``: events staffed first, then the most incident weight covered,
then the shortest travel and the fairest load), gives every item a free supervising officer
(``geo.analysis.planning.hand_out_officers``) and answers a ``Proposal``. The shift and the
options come in one checked ``PlanRequest`` (``request``). Nothing is stored until
``accept_plan`` stores items through ``assign_formation``, which checks every rule again: a plan
never bypasses a rule.
"""
from __future__ import annotations

import time
from collections.abc import Sequence

import geopandas as gpd
import numpy as np
from sqlalchemy.orm import Session

from ...access import PLANNERS, Principal, require
from ...analysis.planning import hand_out_officers, plan_shift
from ...errors import KuzetError, RuleViolation
from ...regimes import DEFAULT_REGIME, get_regime
from ...rules.messages import Gettext, plain
from ..dispatch.assign import AssignmentRequest, assign_formation
from ..layers.features import layer_features
from .demand import shift_demand, shift_supply
from .mask import Mask, eligibility
from .report import NO_DEMAND, PlanItem, Proposal, TargetOutcome, empty_proposal, explain, outcomes
from .request import PlanRequest


def may_plan(viewer: Principal) -> None:
    """Forbidden unless ``viewer`` may plan shifts: checked before a request's options are read."""
    require(viewer, *PLANNERS)


def propose_plan(session: Session, request: PlanRequest, *, viewer: Principal,
                 gettext: Gettext = plain) -> Proposal:
    """The best plan for the request's shift that the regime's rules allow, with what it leaves
    uncovered and why.

    The request's options are those of ``shift_demand``; its ``time_limit_s`` bounds the solver,
    its ``distance`` says how travel is measured ("network": along the stored streets, pairs they
    cannot join keeping the straight line; "straight"; None: the network where any street is
    loaded). The proposal's ``options`` say which was used ("distance") and how many pairs kept
    the straight line ("straight_pairs"). Planners only.
    An empty instance (no demand, no formation with members) answers a proposal without items
    whose ``explanation`` says why; nothing is stored.

    Examples
    --------
    >>> proposal = propose_plan(session, PlanRequest(start, end), viewer=dispatcher)  # doctest: +SKIP
    >>> proposal.coverage_percent, [i.formation for i in proposal.items]  # doctest: +SKIP
    (75.0, ['Green Bazaar Traders', 'KBTU Volunteer Patrol'])
    """
    may_plan(viewer)
    began, regime = time.perf_counter(), get_regime(request.regime_name)
    demand = shift_demand(session, request, viewer=viewer)
    supply = shift_supply(session, request, viewer=viewer)
    staffed = tuple(f for f in supply if f.capacity)
    # an ordinary target without recent incidents gains nothing from a formation: leave it out
    worth = tuple(t for t in demand.targets if t.is_event or t.weight > 0)
    if not worth or not staffed:
        return empty_proposal(demand, supply, regime=regime, began=began, gettext=gettext)
    mask = eligibility(session, viewer=viewer, targets=worth, supply=staffed, planned=demand.shift,
                       regime=regime, gettext=gettext, distance=request.distance)
    allowed, deadline = mask.eligible.copy(), began + request.time_limit_s
    for _round in range(len(staffed) + 1):
        plan = plan_shift(formation_members=np.array([f.capacity for f in staffed]),
                          target_need=np.array([t.need for t in worth]),
                          target_weight=np.array([t.weight for t in worth]),
                          target_is_event=np.array([t.is_event for t in worth]),
                          eligible=allowed, distance_m=mask.travel_m,
                          time_limit_s=max(1.0, deadline - time.perf_counter()))
        officers, unplaced = hand_out_officers(plan, mask.officers,
                                               target_is_event=[t.is_event for t in worth],
                                               target_weight=[t.weight for t in worth])
        if not unplaced:
            break
        allowed[tuple(np.array(unplaced).T)] = False  # the plan's own items took every free officer
    items = tuple(_item(a, worth, staffed, mask, officers) for a in plan.assignments)
    shown = outcomes(worth, plan, items, mask, allowed, gettext=gettext)
    planned = {(t.kind, t.id) for t in worth}
    shown += tuple(TargetOutcome(t, NO_DEMAND, 0) for t in demand.targets if (t.kind, t.id) not in planned)
    lines = explain(demand, staffed, plan, shown, mask, allowed, gettext=gettext)
    return Proposal(shift=demand.shift, items=items, targets=shown, coverage_percent=plan.coverage_percent,
                    covered_demand=plan.covered_demand, total_demand=demand.total_weight, status=plan.status,
                    mip_gap=plan.mip_gap, runtime_s=time.perf_counter() - began, explanation=lines,
                    formations=len(staffed), formations_total=len(supply),
                    eligible_pairs=int(allowed.sum()),
                    options=demand.options | {"time_limit_s": request.time_limit_s, "distance": mask.distance,
                                              "straight_pairs": mask.straight_pairs})


def _item(a, targets, staffed, mask: Mask, officers: dict) -> PlanItem:
    t, f, officer = targets[a.target], staffed[a.formation], officers[(a.formation, a.target)]
    members = mask.members[(a.formation, a.target)][: a.members]
    return PlanItem(formation_id=f.id, formation=f.name, target_kind=t.kind, target_id=t.id, target_name=t.name,
                    activity=mask.activities[a.target], starts_at=t.shift.start, ends_at=t.shift.end,
                    officer_id=officer and officer["id"], officer=officer and officer["name"],
                    members=len(members), member_ids=tuple(m.id for m in members), travel_m=a.distance_m,
                    is_event=t.is_event)


def accept_plan(session: Session, *, actor: Principal, items: Sequence[AssignmentRequest],
                regime_name: str = DEFAULT_REGIME, gettext: Gettext = plain) -> list[dict]:
    """Store each item through ``assign_formation`` (every rule checked again), each on its own.

    An item that breaks a rule, or names what does not exist, stores nothing and is reported with
    its violations, the ``code`` of its error and the error itself (a Message the caller renders in
    the reader's language); the others are stored. Never commits: the caller commits once.

    Examples
    --------
    >>> results = accept_plan(session, actor=dispatcher, items=[i.request() for i in proposal.items])  # doctest: +SKIP
    >>> [r["stored"] for r in results]  # doctest: +SKIP
    [True, True]
    """
    require(actor, *PLANNERS)
    results = []
    for index, request in enumerate(items):
        outcome = {"index": index, "formation_id": request.formation_id, "target_kind": request.target_kind,
                   "target_id": request.target_id}
        try:
            with session.begin_nested():
                stored = assign_formation(session, request, actor=actor, regime_name=regime_name, gettext=gettext)
            results.append(outcome | {"stored": True, "assignment_id": stored.id, "violations": []})
        except RuleViolation as exc:  # Conflict too: another request booked the formation first
            results.append(outcome | {"stored": False, "code": exc.msg.code, "error": exc.msg,
                                      "violations": [v.as_dict() for v in exc.violations]})
        except KuzetError as exc:  # NotFound, InvalidInput: nothing of this item was stored
            results.append(outcome | {"stored": False, "code": exc.msg.code, "error": exc.msg, "violations": []})
    return results


def plan_page(session: Session, *, viewer: Principal, limit: int) -> gpd.GeoDataFrame:
    """The districts the planner's map is drawn over (``name``, geometry); planners only."""
    require(viewer, *PLANNERS)
    return layer_features(session, "district", viewer=viewer, limit=limit).frame[["name", "geometry"]]
