"""The supervisor's review of proposals on a real PostGIS: every rule run again with its citation,
the members' certificates, the other assignments at the target and time, the officer's load."""
from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import update
from sqlalchemy.dialects.postgresql import Range

from geo import services
from geo.access import SYSTEM
from geo.db.models import Assignment, AssignmentMember, FormationMember, Participant
from geo.errors import InvalidInput
from geo.regimes import get_regime
from geo.services import AssignmentRequest

from tests.support.dispatch_world import at, world  # noqa: F401  (fixture)

REGIME = get_regime()


def _propose(session, world, **changes):
    values = dict(formation_id=world.formation, target_kind="patrol_zone", target_id=world.zone, activity="8.1",
                  starts_at=at("2026-12-05 18:00"), ends_at=at("2026-12-05 22:00"), officer_id=world.officer)
    values.update(changes)
    return services.assign_formation(session, AssignmentRequest(**values), actor=SYSTEM).id


def _plant(session, world, start: str, end: str, *, status: str = "proposed", zone: int | None = None) -> int:
    """The unnotified formation stored straight into the table, past the rules: a planted booking."""
    a = Assignment(formation_id=world.unnotified, patrol_zone_id=zone or world.zone, regime=REGIME.name,
                   activity="8.1", shift=Range(at(start), at(end)), officer_id=world.officer, status=status,
                   created_by="test")
    session.add(a)
    session.flush()
    session.add(AssignmentMember(assignment_id=a.id, participant_id=world.adult))
    session.flush()
    return a.id


def _review(session, officer_id):
    page = services.review_proposals(session, viewer=SYSTEM, officer_id=officer_id)
    return {p["feature"]["id"]: p for p in page["proposals"]}


@pytest.fixture
def pair(session, world):
    """A lawful proposal and a planted one of another formation at its target, overlapping it."""
    return _propose(session, world), _plant(session, world, "2026-12-05 19:00", "2026-12-05 21:00")


def test_every_rule_is_listed_in_the_regimes_order_with_its_citation(session, world, pair):
    lawful = _review(session, world.officer)[pair[0]]
    rules = lawful["rules"]
    assert [r["code"] for r in rules] == list(REGIME.rules)
    assert lawful["all_passed"] and all(r["passed"] and not r["violations"] for r in rules)
    cited = {r["code"]: r["citation"] for r in rules}
    assert cited["formation-notified"] == "Order 641, Rules item 7"
    assert cited["participant-eligible"] == "Law 590-II art. 5"
    assert cited["no-double-booking"] == "design choice (D)"
    assert cited["activity-target"] == "design choice (D) under Order 641, Rules item 8"
    assert all(r["title"] and r["item"] for r in rules)


def test_a_broken_rule_of_a_planted_proposal_is_failed_with_its_violation_item_7(session, world, pair):
    planted = _review(session, world.officer)[pair[1]]
    failed = [r for r in planted["rules"] if not r["passed"]]
    assert [r["code"] for r in failed] == ["formation-notified"]
    assert failed[0]["violations"][0]["item"] == "7" and not planted["all_passed"]


def test_the_rules_run_on_the_facts_as_they_are_now(session, world, pair):
    session.execute(update(Participant).where(Participant.id == world.adult).values(certificate_status="withdrawn"))
    lawful = _review(session, world.officer)[pair[0]]
    eligible = next(r for r in lawful["rules"] if r["code"] == "participant-eligible")
    assert not eligible["passed"] and not lawful["all_passed"]
    assert [(m["name"], m["certificate_status"]) for m in lawful["members"]] == [("Aigerim Sadykova", "withdrawn")]


def test_members_come_with_their_certificate_number_and_status(session, world, pair):
    lawful = _review(session, world.officer)[pair[0]]
    assert lawful["members"] == [{"id": world.adult, "name": "Aigerim Sadykova", "registration_status": "registered",
                                  "certificate_number": "C-001", "certificate_status": "issued"}]


def test_another_formation_at_the_target_at_that_time_is_a_conflict(session, world, pair):
    review = _review(session, world.officer)
    lawful, planted = review[pair[0]], review[pair[1]]
    assert [(o["id"], o["formation"], o["status"]) for o in lawful["others"]] == [(pair[1], "Aksai", "proposed")]
    assert lawful["others"][0]["starts_at"].startswith("2026-12-05T19:00")
    assert lawful["conflict"] and planted["conflict"]
    assert [o["id"] for o in planted["others"]] == [pair[0]]


def test_other_times_targets_and_dead_assignments_are_not_others(session, world):
    lawful = _propose(session, world)
    _plant(session, world, "2026-12-05 22:00", "2026-12-05 23:30")  # starts as the shift ends
    _plant(session, world, "2026-12-06 09:00", "2026-12-06 10:00", status="cancelled")
    _plant(session, world, "2026-12-06 10:00", "2026-12-06 11:00", status="rejected")
    shown = _review(session, world.officer)[lawful]
    assert shown["others"] == [] and not shown["conflict"]


def test_the_officers_load_counts_the_formations_at_that_time_against_the_limit(session, world, pair):
    review = _review(session, world.officer)
    assert review[pair[0]]["load"] == {"officer": "Capt. Abenov", "formations": 2,
                                      "limit": REGIME.max_formations_per_officer}
    alone = _propose(session, world, starts_at=at("2026-12-06 02:00"), ends_at=at("2026-12-06 06:00"))
    assert _review(session, world.officer)[alone]["load"]["formations"] == 1


def test_an_officer_of_another_unit_reviews_nothing_here(session, world, pair):
    assert _review(session, world.other_officer) == {}


def test_a_proposal_decided_meanwhile_leaves_the_review_and_cannot_be_confirmed_again(session, world, pair):
    services.confirm_assignment(session, pair[0], actor=SYSTEM, officer_id=world.officer)
    assert pair[0] not in _review(session, world.officer)
    with pytest.raises(InvalidInput) as again:
        services.confirm_assignment(session, pair[0], actor=SYSTEM, officer_id=world.officer)
    assert "confirmed; only proposed ones can be confirmed" in str(again.value)


def test_a_member_who_left_since_makes_the_rules_uncheckable_with_the_reason(session, world, pair):
    session.execute(update(FormationMember).where(FormationMember.formation_id == world.formation,
                                                  FormationMember.participant_id == world.adult)
                    .values(left_on=date(2026, 12, 1)))
    lawful = _review(session, world.officer)[pair[0]]
    assert lawful["rules"] == [] and not lawful["all_passed"]
    assert "not members" in str(lawful["facts_error"])
