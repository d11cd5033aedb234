"""What a shift proposal says: its items, each target's outcome, and plain sentences on why.

Messages go through the caller's gettext (``_("... %(name)s ...", name=...)``), as the rules' do.
"""
from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import numpy as np
from shapely.geometry import mapping

from ...analysis.planning import ELIGIBLE_FORMATIONS_TOO_SMALL, NO_ELIGIBLE_FORMATION, ShiftPlan
from ...domain import Shift
from ...regimes import Regime
from ...rules import rule_label
from ...rules.messages import Gettext, plain
from ..dispatch.assign import AssignmentRequest
from .demand import DemandTarget, ShiftDemand, SupplyFormation
from .mask import Mask

ASSIGNED, SHORT, UNCOVERED, NO_DEMAND = "assigned", "short", "uncovered", "no_demand"


@dataclass(frozen=True)
class PlanItem:
    """One proposed assignment; ``request()`` is what accepting it asks ``assign_formation`` for."""

    formation_id: int
    formation: str
    target_kind: str
    target_id: int
    target_name: str
    activity: str
    starts_at: datetime
    ends_at: datetime
    officer_id: int | None
    officer: str | None
    members: int
    member_ids: tuple[int, ...]
    travel_m: float
    is_event: bool

    def request(self) -> AssignmentRequest:
        return AssignmentRequest(self.formation_id, self.target_kind, self.target_id, self.activity,
                                 self.starts_at, self.ends_at, officer_id=self.officer_id, member_ids=self.member_ids)

    def as_dict(self, tz: ZoneInfo) -> dict:
        return {"formation_id": self.formation_id, "formation": self.formation, "target_kind": self.target_kind,
                "target_id": self.target_id, "target_name": self.target_name, "activity": self.activity,
                "starts_at": self.starts_at.astimezone(tz).isoformat(),
                "ends_at": self.ends_at.astimezone(tz).isoformat(), "officer_id": self.officer_id,
                "officer": self.officer, "members": self.members, "member_ids": list(self.member_ids),
                "travel_m": round(self.travel_m, 1), "is_event": self.is_event}


@dataclass(frozen=True)
class TargetOutcome:
    """A target of the shift after planning: ``state`` is assigned, short (an event under-staffed),
    uncovered (demand left) or no_demand; ``note`` says why it is short or uncovered."""

    target: DemandTarget
    state: str
    staffed: int
    formations: tuple[str, ...] = ()
    shortfall: int = 0
    note: str | None = None

    def feature(self) -> dict:
        t = self.target
        return {"type": "Feature", "id": f"{t.kind}/{t.id}", "geometry": mapping(t.geometry),
                "properties": {"target_kind": t.kind, "target_id": t.id, "name": t.name, "weight": t.weight,
                               "need": t.need, "is_event": t.is_event, "attendance": t.attendance,
                               "state": self.state, "staffed": self.staffed, "shortfall": self.shortfall,
                               "formations": list(self.formations), "note": self.note}}


@dataclass(frozen=True)
class Proposal:
    """A proposed plan for one shift; nothing of it is stored."""

    shift: Shift
    items: tuple[PlanItem, ...]
    targets: tuple[TargetOutcome, ...]
    coverage_percent: float
    covered_demand: float
    total_demand: float
    status: str  # optimal, time_limit, or empty (nothing to plan)
    mip_gap: float
    runtime_s: float
    explanation: tuple[str, ...]
    formations: int
    formations_total: int
    eligible_pairs: int
    options: dict = field(default_factory=dict)

    @property
    def shortfalls(self) -> tuple[TargetOutcome, ...]:
        return tuple(o for o in self.targets if o.state == SHORT)

    def as_json(self, timezone: str) -> dict:
        """The proposal as the API answers it, times in ``timezone``; ``targets`` is GeoJSON."""
        tz = ZoneInfo(timezone)
        return {"shift": {"starts_at": self.shift.start.astimezone(tz).isoformat(),
                          "ends_at": self.shift.end.astimezone(tz).isoformat()},
                "status": self.status, "mip_gap": self.mip_gap, "runtime_ms": round(1000 * self.runtime_s),
                "coverage_percent": round(self.coverage_percent, 2), "covered_demand": self.covered_demand,
                "total_demand": self.total_demand, "explanation": list(self.explanation),
                "formations": {"with_members": self.formations, "total": self.formations_total,
                               "used": len({i.formation_id for i in self.items})},
                "eligible_pairs": self.eligible_pairs, "options": self.options,
                "items": [i.as_dict(tz) for i in self.items],
                "uncovered": [_brief(o) for o in self.targets if o.state == UNCOVERED],
                "shortfalls": [_brief(o) | {"need": o.target.need, "staffed": o.staffed, "shortfall": o.shortfall}
                               for o in self.shortfalls],
                "targets": {"type": "FeatureCollection", "features": [o.feature() for o in self.targets]}}


def _brief(o: TargetOutcome) -> dict:
    return {"target_kind": o.target.kind, "target_id": o.target.id, "name": o.target.name,
            "weight": o.target.weight, "message": o.note}


def failure_summary(failures: Counter, _: Gettext = plain) -> str:
    """How many formations each rule kept away, most first, in words."""
    return ", ".join(_("%(label)s: %(n)d", label=rule_label(code, _), n=n) for code, n in failures.most_common())


def _kept_away(j: int, mask: Mask, _: Gettext) -> str:
    """Why no formation may go to target ``j``: the rules' count, or the plan's own use of officers."""
    if mask.eligible[:, j].any():
        return _("the officers free to supervise it are all taken by this plan")
    return failure_summary(mask.failures[j], _)


def _shortfall_note(t: DemandTarget, staffed: int, reason: str, why: str, _: Gettext) -> str:
    short = t.need - staffed
    if reason == NO_ELIGIBLE_FORMATION:
        return _("%(event)s needs %(need)d members, no eligible formation can give any: under-staffed by "
                 "%(short)d. Formations kept away (%(why)s).", event=t.name, need=t.need, short=short, why=why)
    if reason == ELIGIBLE_FORMATIONS_TOO_SMALL:
        return _("%(event)s needs %(need)d members, eligible formations can give %(can)d: under-staffed by "
                 "%(short)d.", event=t.name, need=t.need, can=staffed, short=short)
    return _("%(event)s needs %(need)d members, %(can)d are planned because its eligible formations are "
             "needed at other events: under-staffed by %(short)d.", event=t.name, need=t.need, can=staffed,
             short=short)


def outcomes(targets: tuple[DemandTarget, ...], plan: ShiftPlan, items, mask: Mask, allowed: np.ndarray, *,
             gettext: Gettext = plain) -> tuple[TargetOutcome, ...]:
    """Each target's outcome: who goes there, or why it is short or uncovered."""
    _ = gettext
    sent: dict[tuple[str, int], list[str]] = {}
    for i in items:
        sent.setdefault((i.target_kind, i.target_id), []).append(i.formation)
    short = {s.target: s for s in plan.event_shortfalls}
    covered = set(plan.covered_targets)
    out = []
    for j, t in enumerate(targets):
        names = tuple(sent.get((t.kind, t.id), ()))
        if j in short:
            s = short[j]
            note = _shortfall_note(t, s.staffed, s.reason, _kept_away(j, mask, _), _)
            out.append(TargetOutcome(t, SHORT, s.staffed, names, s.shortfall, note))
        elif t.is_event or j in covered:
            out.append(TargetOutcome(t, ASSIGNED, t.need, names))
        elif t.weight > 0:
            if not allowed[:, j].any():
                note = _("No formation may go there (%(why)s).", why=_kept_away(j, mask, _))
            else:
                note = _("Its %(n)d eligible formation(s) cover more demand elsewhere.", n=int(allowed[:, j].sum()))
            out.append(TargetOutcome(t, UNCOVERED, 0, (), 0, note))
        else:
            out.append(TargetOutcome(t, NO_DEMAND, 0))
    return tuple(out)


def explain(demand: ShiftDemand, staffed: tuple[SupplyFormation, ...], plan: ShiftPlan, shown, mask: Mask,
            allowed: np.ndarray, *, gettext: Gettext = plain) -> tuple[str, ...]:
    """Plain sentences for the dispatcher: supply, coverage, every shortfall, the proof."""
    _ = gettext
    with_demand = [o for o in shown if o.target.weight > 0 and not o.target.is_event]
    events = [o for o in shown if o.target.is_event]
    lines = [_("%(n)d formation(s) with %(members)d members who may take part; %(targets)d target(s) with "
               "recent incidents in these hours, %(events)d event(s).", n=len(staffed),
               members=sum(f.capacity for f in staffed), targets=len(with_demand), events=len(events)),
             _("%(used)d formation(s) sent; %(covered)d of %(targets)d target(s) with demand covered, %(pct).1f %% "
               "of the demand.", used=len({a.formation for a in plan.assignments}),
               covered=sum(o.state == ASSIGNED for o in with_demand), targets=len(with_demand),
               pct=plan.coverage_percent)]
    lines += [o.note for o in shown if o.state == SHORT]
    dropped = int((mask.eligible & ~allowed).sum())
    if dropped:
        lines.append(_("%(n)d formation–target pair(s) were left out: the officers free to supervise them are "
                       "all taken by this plan.", n=dropped))
    if not allowed.any():
        lines.append(_("No formation may be sent to any target by the rules."))
    elif plan.status != "optimal":
        lines.append(_("Stopped at the time limit before proving this the best plan (gap %(gap).2f %%).",
                       gap=100 * plan.mip_gap))
    else:
        lines.append(_("Proved optimal: no plan staffs the events better or covers more demand."))
    return tuple(lines)


def empty_proposal(demand: ShiftDemand, supply: tuple[SupplyFormation, ...], *, regime: Regime, began: float,
                   gettext: Gettext = plain) -> Proposal:
    """A proposal without items for an instance with nothing to plan, saying why."""
    _ = gettext
    lines = []
    if not any(t.is_event or t.weight > 0 for t in demand.targets):
        lines.append(_("Nothing to plan: no incidents in the same hours of the same weekday in the last %(days)d "
                       "days at any target, and no event during the shift.",
                       days=demand.options["lookback_days"]))
    if not any(f.capacity for f in supply):
        lines.append(_("No formation has a member who may take part on %(day)s (registered, of age, certified "
                       "and trained).", day=demand.shift.local_date(regime.timezone).isoformat()))
    shown = tuple(TargetOutcome(t, SHORT if t.is_event else UNCOVERED if t.weight > 0 else NO_DEMAND, 0, (),
                                t.need if t.is_event else 0,
                                _("%(event)s needs %(need)d members, no eligible formation can give any: "
                                  "under-staffed by %(need)d.", event=t.name, need=t.need) if t.is_event else None)
                  for t in demand.targets)
    lines += [o.note for o in shown if o.state == SHORT]
    total = demand.total_weight
    return Proposal(shift=demand.shift, items=(), targets=shown, coverage_percent=0.0 if total else 100.0,
                    covered_demand=0.0, total_demand=total, status="empty", mip_gap=0.0,
                    runtime_s=time.perf_counter() - began, explanation=tuple(lines),
                    formations=sum(1 for f in supply if f.capacity), formations_total=len(supply),
                    eligible_pairs=0, options=demand.options)

