"""Shift plans against a real PostGIS: demand from incidents, the rules' mask, events first, accepting."""
from __future__ import annotations

from datetime import date

import pytest
from shapely.geometry import MultiPolygon, Point, box
from sqlalchemy import func, select

from geo.access import SYSTEM, Principal
from geo.db.models import Assignment, Formation, FormationMember, Incident, Participant, PatrolZone
from geo.domain import Role
from geo.errors import Forbidden, InvalidInput
from geo.regimes import get_regime
from geo.rules import check_assignment
from geo.services import (AssignmentRequest, PlanRequest, accept_plan, build_facts, propose_plan, shift_demand,
                          shift_supply)
from geo.services.planning.mask import eligibility

from tests.support.dispatch_world import at, wkb, world  # noqa: F401  (fixture)

START, END = at("2026-12-05 18:00"), at("2026-12-05 22:00")  # a Saturday; the Derby is 17:00-22:00
ZONE_ONLY = box(76.915, 43.235, 76.932, 43.255)  # covers the Green market zone, not the Derby


def incident(session, when: str, lon: float, lat: float, source: str = "police-record") -> None:
    session.add(Incident(occurred_at=at(when), category="theft", source=source, geom=wkb(Point(lon, lat))))


def formation(session, world, name: str, home, members: int, *, unit=None) -> int:
    """A notified formation with ``members`` registered, certified, trained adults."""
    f = Formation(name=name, base_type="residence", home_area=wkb(MultiPolygon([home])),
                  notified_unit_id=unit or world.unit, notified_on=date(2026, 2, 1), notification_ref=f"N-{name}")
    session.add(f)
    session.flush()
    for k in range(members):
        p = Participant(full_name=f"{name} member {k}", birth_date=date(1990, 1, 1 + k),
                        registration_status="registered", certificate_number=f"{name}-{k}",
                        certificate_status="issued", legal_training_on=date(2026, 1, 10))
        session.add(p)
        session.flush()
        session.add(FormationMember(formation_id=f.id, participant_id=p.id, joined_on=date(2026, 1, 1)))
    session.flush()
    return f.id


def test_demand_counts_incidents_of_the_same_hours_and_weekday_within_the_zone(session, world):
    incident(session, "2026-11-28 19:00", 76.925, 43.245)                      # Saturday, in the zone: counts
    incident(session, "2026-11-21 21:59", 76.925, 43.245, "synthetic-demo")    # a week before, synthetic
    incident(session, "2026-11-28 22:00", 76.925, 43.245)                      # the shift's end: no
    incident(session, "2026-11-27 19:00", 76.925, 43.245)                      # a Friday: no
    incident(session, "2026-11-28 19:00", 76.960, 43.245)                      # outside the zone: no
    incident(session, "2026-09-26 19:00", 76.925, 43.245)                      # beyond 56 days: no
    session.flush()
    weights = {(t.kind, t.id): t.weight for t in shift_demand(session, PlanRequest(START, END),
                                                               viewer=SYSTEM).targets}
    assert weights[("patrol_zone", world.zone)] == 2
    without = shift_demand(session, PlanRequest(START, END, include_synthetic=False), viewer=SYSTEM)
    assert {(t.kind, t.id): t.weight for t in without.targets}[("patrol_zone", world.zone)] == 1


def test_streets_count_incidents_near_them_in_metres(session, world):
    incident(session, "2026-11-28 19:00", 76.95, 43.2418)   # about 90 m north of Abay avenue
    session.flush()
    def weight(near_m):
        demand = shift_demand(session, PlanRequest(START, END, kind="public_place", near_m=near_m), viewer=SYSTEM)
        return {t.id: t.weight for t in demand.targets if t.kind == "public_place"}[world.street]
    assert (weight(150), weight(50)) == (1, 0)


def test_events_in_the_shift_need_members_by_attendance_and_keep_to_their_window(session, world):
    demand = shift_demand(session, PlanRequest(at("2026-12-05 16:00"), END, members_per_1000_attendees=1.5),
                          viewer=SYSTEM)
    [event] = [t for t in demand.targets if t.is_event]
    assert (event.id, event.need) == (world.event, 30)  # ceil(20000 / 1000 × 1.5)
    assert (event.shift.start, event.shift.end) == (at("2026-12-05 17:00"), END)
    assert demand.targets[0].is_event  # events first
    assert not [t for t in shift_demand(session, PlanRequest(at("2026-12-06 18:00"), at("2026-12-06 22:00")),
                                        viewer=SYSTEM).targets if t.is_event]


@pytest.mark.parametrize("options", [{"kind": "pasture"}, {"lookback_days": 3}, {"near_m": "far"},
                                     {"members_per_1000_attendees": 0}, {"include_synthetic": "yes"},
                                     {"ends_at": START}])
def test_bad_options_are_refused_with_their_name(session, world, options):
    with pytest.raises(InvalidInput):
        shift_demand(session, PlanRequest(**({"starts_at": START, "ends_at": END} | options)), viewer=SYSTEM)


def test_the_mask_agrees_with_the_dispatchers_checks_for_every_pair(session, world):
    formation(session, world, "Kemel", ZONE_ONLY, 3)
    incident(session, "2026-11-28 19:00", 76.925, 43.245)
    incident(session, "2026-11-28 19:00", 77.025, 43.245)  # the far zone, of the other unit
    session.flush()
    request = PlanRequest(START, END, kind=["patrol_zone", "public_place", "campus"])
    demand = shift_demand(session, request, viewer=SYSTEM)
    supply = shift_supply(session, request, viewer=SYSTEM)
    regime = get_regime()
    mask = eligibility(session, viewer=SYSTEM, targets=demand.targets, supply=supply, planned=demand.shift,
                       regime=regime)
    for j, t in enumerate(demand.targets):
        officer = mask.officers[j][0]["id"] if mask.officers[j] else None
        for i, f in enumerate(supply):
            request = AssignmentRequest(f.id, t.kind, t.id, mask.activities[j], t.shift.start, t.shift.end,
                                        officer_id=officer)
            assert mask.eligible[i, j] == (not check_assignment(build_facts(session, request, regime), regime)), \
                (f.name, t.name)
    assert mask.eligible.any() and not mask.eligible.all()


def test_an_event_short_of_members_is_reported_by_how_many_and_the_rest_is_planned(session, world):
    kemel = formation(session, world, "Kemel", ZONE_ONLY, 5)
    incident(session, "2026-11-28 19:00", 76.925, 43.245)
    session.flush()
    proposal = propose_plan(session, PlanRequest(START, END), viewer=SYSTEM)
    [short] = proposal.shortfalls
    # only Samal may go to the Derby, and only its adult member may take part: 20 needed, 1 given
    assert (short.target.id, short.target.need, short.staffed, short.shortfall) == (world.event, 20, 1, 19)
    assert short.note == "Derby needs 20 members, eligible formations can give 1: under-staffed by 19."
    items = {(i.formation_id, i.target_kind, i.target_id): i for i in proposal.items}
    assert set(items) == {(world.formation, "event", world.event), (kemel, "patrol_zone", world.zone)}
    assert items[(kemel, "patrol_zone", world.zone)].members == 4  # members_per_target
    assert items[(world.formation, "event", world.event)].starts_at == at("2026-12-05 18:00")
    assert all(i.officer_id == world.officer for i in proposal.items)
    assert proposal.coverage_percent == 100.0 and proposal.status == "optimal"
    assert any("under-staffed by 19" in line for line in proposal.explanation)
    results = accept_plan(session, actor=SYSTEM, items=[i.request() for i in proposal.items])
    assert [r["stored"] for r in results] == [True, True]
    stored = session.scalars(select(Assignment).where(Assignment.id.in_([r["assignment_id"] for r in results])))
    assert {a.officer_id for a in stored} == {world.officer}


def test_an_officer_takes_no_more_formations_than_the_regime_allows(session, world):
    zones = []
    for k in range(3):
        west = 76.905 + 0.02 * k
        zone = PatrolZone(name=f"Block {k}", police_unit_id=world.unit, geom=wkb(box(west, 43.26, west + 0.005, 43.265)))
        session.add(zone)
        session.flush()
        zones.append(zone.id)
        formation(session, world, f"Block {k} watch", box(west - 0.002, 43.258, west + 0.007, 43.267), 4)
        incident(session, "2026-11-29 02:00", west + 0.0025, 43.2625)
    session.flush()
    # a night shift after the Derby: the unit's one active officer may take two formations at once
    proposal = propose_plan(session, PlanRequest(at("2026-12-06 00:00"), at("2026-12-06 04:00")), viewer=SYSTEM)
    on_blocks = [i for i in proposal.items if i.target_id in zones and i.target_kind == "patrol_zone"]
    assert len(on_blocks) == get_regime().max_formations_per_officer == 2  # one active officer in the unit
    assert any("officers free to supervise" in line for line in proposal.explanation)
    results = accept_plan(session, actor=SYSTEM, items=[i.request() for i in proposal.items])
    assert all(r["stored"] for r in results)


def test_nothing_to_plan_is_explained_not_solved(session, world):
    proposal = propose_plan(session, PlanRequest(at("2026-12-06 18:00"), at("2026-12-06 22:00")), viewer=SYSTEM)
    assert proposal.status == "empty" and proposal.items == ()
    assert proposal.explanation[0].startswith("Nothing to plan: no incidents in the same hours")
    assert proposal.as_json("Asia/Almaty")["targets"]["features"]


def test_accepting_checks_every_rule_again_and_stores_the_rest(session, world):
    good = AssignmentRequest(world.formation, "patrol_zone", world.zone, "8.1", START, END, officer_id=world.officer,
                             member_ids=(world.adult,))
    unnotified = AssignmentRequest(world.unnotified, "patrol_zone", world.zone, "8.1", START, END,
                                   officer_id=world.officer)
    missing = AssignmentRequest(world.formation, "patrol_zone", 10**9, "8.1", START, END)
    results = accept_plan(session, actor=SYSTEM, items=[good, unnotified, missing])
    assert [r["stored"] for r in results] == [True, False, False]
    assert [v["code"] for v in results[1]["violations"]] == ["formation-notified"]
    assert results[2]["violations"] == [] and "no patrol zone" in str(results[2]["error"])
    assert session.scalar(select(func.count()).select_from(Assignment)) == 1


@pytest.mark.parametrize("role", [Role.ANALYST, Role.LEADER, Role.SUPERVISOR])
def test_only_planners_propose_and_accept(session, world, role):
    who = Principal(1, "someone", frozenset({role}), formation_id=world.formation)
    with pytest.raises(Forbidden):
        propose_plan(session, PlanRequest(START, END), viewer=who)
    with pytest.raises(Forbidden):
        accept_plan(session, actor=who, items=[])
