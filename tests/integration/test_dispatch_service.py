"""assign_formation on a real PostGIS: every rule checked, nothing stored on violation."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from geo import services
from geo.access import SYSTEM
from geo.db.models import Assignment, AssignmentHistory, AssignmentMember
from geo.errors import InvalidInput, NotFound, RuleViolation
from geo.services import AssignmentRequest

from tests.support.dispatch_world import at, world  # noqa: F401  (fixture)


def request(world, **changes) -> AssignmentRequest:
    values = dict(formation_id=world.formation, target_kind="patrol_zone", target_id=world.zone,
                  activity="8.1", starts_at=at("2026-12-05 18:00"), ends_at=at("2026-12-05 22:00"),
                  officer_id=world.officer)
    values.update(changes)
    return AssignmentRequest(**values)


def stored(session) -> int:
    return session.scalar(select(func.count()).select_from(Assignment))


def codes(exc: RuleViolation) -> set[str]:
    return {v.code for v in exc.violations}


def test_a_lawful_assignment_is_stored_with_its_eligible_members_and_history(session, world):
    a = services.assign_formation(session, request(world), actor=SYSTEM)
    assert a.status == "proposed" and a.patrol_zone_id == world.zone
    members = session.scalars(select(AssignmentMember.participant_id).where(AssignmentMember.assignment_id == a.id))
    assert list(members) == [world.adult]  # the 17-year-old is left off by default (Law 590-II art. 5)
    history = session.scalars(select(AssignmentHistory).where(AssignmentHistory.assignment_id == a.id)).all()
    assert [(h.action, h.actor) for h in history] == [("create", "system")]
    assert history[0].after["activity"] == "8.1"


def test_a_request_breaking_many_rules_stores_nothing_and_names_every_violation(session, world):
    bad = request(world, formation_id=world.unnotified, target_id=world.far_zone, officer_id=world.inactive_officer,
                  activity="8.6", member_ids=(world.adult,))
    with pytest.raises(RuleViolation) as refused:
        services.assign_formation(session, bad, actor=SYSTEM)
    found = codes(refused.value)
    assert {"formation-notified", "formation-home-area", "activity-target"} <= found
    assert all(v.item for v in refused.value.violations)
    assert stored(session) == 0


def test_a_minor_named_on_the_shift_is_refused_item_law_590_art_5(session, world):
    with pytest.raises(RuleViolation) as refused:
        services.assign_formation(session, request(world, member_ids=(world.adult, world.minor)), actor=SYSTEM)
    assert [v.code for v in refused.value.violations] == ["participant-eligible"]
    assert "under 18" in refused.value.violations[0].message


def test_officer_of_another_unit_or_off_duty_fails_police_supervision_item_8_1(session, world):
    with pytest.raises(RuleViolation) as refused:
        services.assign_formation(session, request(world, officer_id=world.other_officer), actor=SYSTEM)
    assert codes(refused.value) == {"police-supervision"}
    with pytest.raises(RuleViolation) as refused:
        services.assign_formation(session, request(world, starts_at=at("2026-12-06 06:00"),
                                                   ends_at=at("2026-12-06 10:00")), actor=SYSTEM)
    assert codes(refused.value) == {"police-supervision"}


def test_an_event_shift_must_lie_in_the_event_window(session, world):
    with pytest.raises(RuleViolation) as refused:
        services.assign_formation(session, request(world, target_kind="event", target_id=world.event,
                                                   starts_at=at("2026-12-05 16:00")), actor=SYSTEM)
    assert codes(refused.value) == {"event-window"}
    assert services.assign_formation(session, request(world, target_kind="event", target_id=world.event),
                                     actor=SYSTEM).event_id == world.event


def test_double_booking_is_a_violation_before_the_database_is_asked(session, world):
    services.assign_formation(session, request(world), actor=SYSTEM)
    with pytest.raises(RuleViolation) as refused:
        services.assign_formation(session, request(world, target_kind="event", target_id=world.event,
                                                   starts_at=at("2026-12-05 19:00")), actor=SYSTEM)
    assert codes(refused.value) == {"no-double-booking"}
    assert stored(session) == 1


def test_home_area_override_needs_the_supervisor_and_a_reason_item_7(session, world):
    outside = dict(target_kind="public_place", target_id=world.street, activity="8.4")
    # the street runs beyond the home area
    with pytest.raises(RuleViolation) as refused:
        services.assign_formation(session, request(world, **outside), actor=SYSTEM)
    assert codes(refused.value) == {"formation-home-area"}
    a = services.assign_formation(session, request(world, override_officer_id=world.officer,
                                                   override_reason="road works detour", **outside), actor=SYSTEM)
    assert a.override_reason == "road works detour"


def test_confirm_reject_cancel_and_update_go_through_the_rules(session, world):
    a = services.assign_formation(session, request(world), actor=SYSTEM)
    with pytest.raises(NotFound):  # another unit's officer cannot see it
        services.confirm_assignment(session, a.id, actor=SYSTEM, officer_id=world.other_officer)
    services.confirm_assignment(session, a.id, actor=SYSTEM, officer_id=world.officer)
    assert a.status == "confirmed"
    with pytest.raises(RuleViolation) as refused:
        services.update_assignment(session, a.id, actor=SYSTEM, ends_at=at("2026-12-06 09:00"))
    assert codes(refused.value) == {"police-supervision"}
    assert a.shift.upper == at("2026-12-05 22:00")  # unchanged
    services.update_assignment(session, a.id, actor=SYSTEM, starts_at=at("2026-12-05 19:00"))
    assert a.shift.lower == at("2026-12-05 19:00")
    with pytest.raises(InvalidInput, match="needs a reason"):
        services.cancel_assignment(session, a.id, actor=SYSTEM, reason="  ")
    services.cancel_assignment(session, a.id, actor=SYSTEM, reason="event moved")
    assert a.status == "cancelled"
    # the formation is free again for that shift
    assert services.assign_formation(session, request(world), actor=SYSTEM).status == "proposed"
    actions = session.scalars(select(AssignmentHistory.action).where(AssignmentHistory.assignment_id == a.id)
                              .order_by(AssignmentHistory.id)).all()
    assert actions == ["create", "confirmed", "update", "cancelled"]


def test_reject_needs_a_reason(session, world):
    a = services.assign_formation(session, request(world), actor=SYSTEM)
    with pytest.raises(InvalidInput, match="needs a reason"):
        services.reject_assignment(session, a.id, actor=SYSTEM, officer_id=world.officer, reason="")
    services.reject_assignment(session, a.id, actor=SYSTEM, officer_id=world.officer, reason="too few members")
    assert (a.status, a.status_reason) == ("rejected", "too few members")


def test_formations_are_ranked_eligible_first_and_officers_say_who_can_supervise(session, world):
    fits = services.candidate_formations(session, target_kind="patrol_zone", target_id=world.zone, activity="8.1",
                                         starts_at=at("2026-12-05 18:00"), ends_at=at("2026-12-05 22:00"),
                                         viewer=SYSTEM)
    by_name = {f.name: f for f in fits}
    assert fits[0].name == "Samal" and fits[0].eligible
    assert by_name["Aksai"].failed_codes == ("formation-notified",)
    officers = services.supervising_officers(session, target_kind="patrol_zone", target_id=world.zone,
                                             starts_at=at("2026-12-05 18:00"), ends_at=at("2026-12-05 22:00"),
                                             viewer=SYSTEM)
    assert [(o["name"], o["can_supervise"]) for o in officers] == [("Capt. Abenov", True), ("Lt. Ospanov", False)]


@pytest.mark.parametrize("changes, error", [
    ({"target_kind": "checkpoint"}, InvalidInput),
    ({"target_id": 999999}, NotFound),
    ({"formation_id": 999999}, NotFound),
    ({"officer_id": 999999}, NotFound),
    ({"ends_at": at("2026-12-05 17:00")}, InvalidInput),
])
def test_bad_references_and_shifts_are_clear_errors(session, world, changes, error):
    with pytest.raises(error):
        services.assign_formation(session, request(world, **changes), actor=SYSTEM)
    assert stored(session) == 0


def test_a_formation_that_notified_a_unit_elsewhere_is_refused_item_7(session, world):
    """Item 7: the territorial body where the formation acts. Its home area lies in the centre unit's
    jurisdiction; a notification of the unit across town (PostGIS: 0 % of the home area) does not do."""
    from geo.db.models import Formation

    formation = session.get(Formation, world.formation)
    formation.notified_unit_id = world.other_unit
    session.flush()
    session.expire(formation)
    with pytest.raises(RuleViolation) as refused:
        services.assign_formation(session, request(world), actor=SYSTEM)
    [violation] = refused.value.violations
    assert (violation.code, violation.item) == ("formation-notified", "7 (D)")
    assert violation.citation == "design choice (D) under Order 641, Rules item 7"
    assert "East police" in violation.message and "holds 0% of its home area" in violation.message
    assert stored(session) == 0
    formation.notified_unit_id = world.unit  # the unit holding it passes
    session.flush()
    session.expire(formation)
    assert services.assign_formation(session, request(world), actor=SYSTEM).status == "proposed"


def test_a_formation_whose_home_area_misses_its_recorded_base_is_refused_item_7(session, world):
    """Item 7: the home area is the place of the base; PostGIS says whether it holds the recorded point."""
    from geoalchemy2.shape import from_shape
    from shapely.geometry import Point

    from geo.db.models import Formation

    formation = session.get(Formation, world.formation)
    formation.base_address = "Abai Ave. 1"
    formation.base_location = from_shape(Point(77.04, 43.25), srid=4326)  # across town
    session.flush()
    session.expire(formation)
    with pytest.raises(RuleViolation) as refused:
        services.assign_formation(session, request(world), actor=SYSTEM)
    [violation] = refused.value.violations
    assert (violation.code, violation.item) == ("formation-home-area", "7")
    assert "does not hold its recorded base (Abai Ave. 1, place of residence)" in violation.message
    assert stored(session) == 0
    formation.base_location = from_shape(Point(76.93, 43.25), srid=4326)  # inside the home area
    session.flush()
    session.expire(formation)
    assert services.assign_formation(session, request(world), actor=SYSTEM).status == "proposed"


def test_a_formations_base_location_is_imported_as_lon_lat_and_a_bad_one_refused(session):
    """The import takes the base as "lon lat" (as a police unit's station); a point that is not one is a
    row error naming the column, and nothing is stored."""
    import geopandas as gpd
    from shapely.geometry import MultiPolygon, box

    from geo.db.models import Formation

    area = MultiPolygon([box(76.91, 43.23, 76.95, 43.27)])
    rows = [{"name": "Base test squad", "base_type": "study", "base_address": "Tole Bi St. 59",
             "base_location": "76.93 43.25"}]
    services.import_frame(session, "formation", gpd.GeoDataFrame(rows, geometry=[area], crs=4326),
                          name="test", actor=SYSTEM)
    session.flush()
    formation = session.scalars(select(Formation).where(Formation.name == "Base test squad")).one()
    assert formation.base_in_home_area is True
    bad = [{**rows[0], "name": "Bad base squad", "base_location": "north of the bazaar"}]
    with pytest.raises(InvalidInput, match="1 of 1 rows are not valid for layer formation; nothing was stored") as e:
        services.import_frame(session, "formation", gpd.GeoDataFrame(bad, geometry=[area], crs=4326),
                              name="test", actor=SYSTEM)
    assert "base_location" in repr(vars(e.value))
    assert session.scalars(select(Formation).where(Formation.name == "Bad base squad")).first() is None
