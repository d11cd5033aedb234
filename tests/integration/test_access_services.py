"""The access rule of geo/access.py enforced by the services themselves, and the audit of every change."""
from __future__ import annotations

from datetime import datetime

import geopandas as gpd
import pytest
from shapely.geometry import MultiPolygon, box, mapping
from sqlalchemy import func, select

from geo import services
from geo.access import SYSTEM, Principal, signing_officer
from geo.db.models import Assignment, AuditLog
from geo.domain import Role
from geo.errors import Forbidden, NotFound, RuleViolation
from geo.services.hotspots import Parameters, Selection, hotspots

from tests.support.access_world import aw, lawful_request  # noqa: F401  (fixture)
from tests.support.dispatch_world import at


def ids(collection: dict) -> set[int]:
    return {f["id"] for f in collection["features"]}


def audit(session, entity: str, entity_id: int) -> list[AuditLog]:
    return list(session.scalars(select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                                .order_by(AuditLog.id)))


# --- reading assignments -------------------------------------------------------------------------


@pytest.mark.parametrize("who, sees", [
    ("dispatcher", {"own", "other"}), ("analyst", {"own", "other"}), ("leader", {"own"}),
    ("other_leader", {"other"}), ("supervisor", {"own"}), ("other_supervisor", {"other"}),
])
def test_each_role_lists_exactly_the_assignments_of_its_scope(session, aw, who, sees):
    listed = services.list_assignments(session, viewer=aw.principals[who], statuses=None)
    assert ids(listed) == {getattr(aw, name) for name in sees}


def test_a_leader_and_supervisor_in_one_sees_both_scopes(session, aw):
    both = Principal(None, "both", frozenset({Role.LEADER, Role.SUPERVISOR}), officer_id=aw.world.other_officer,
                     unit_id=aw.world.other_unit, formation_id=aw.world.formation)
    assert ids(services.list_assignments(session, viewer=both, statuses=None)) == {aw.own, aw.other}


def test_another_formations_assignment_is_not_found_exactly_like_a_missing_one(session, aw):
    leader = aw.principals["leader"]
    assert services.assignment_feature(session, aw.own, viewer=leader)["id"] == aw.own
    with pytest.raises(NotFound) as hidden:
        services.assignment_feature(session, aw.other, viewer=leader)
    with pytest.raises(NotFound) as missing:
        services.assignment_feature(session, 999_999, viewer=leader)
    assert hidden.value.message.replace(str(aw.other), "N") == missing.value.message.replace("999999", "N")


# --- layers --------------------------------------------------------------------------------------


def test_a_leader_sees_their_formation_and_its_targets_only(session, aw):
    leader = aw.principals["leader"]
    zones = services.layer_features(session, "patrol_zone", viewer=leader).frame
    assert list(zones["id"]) == [aw.world.zone]
    formations = services.layer_features(session, "formation", viewer=leader).frame
    assert list(formations["id"]) == [aw.world.formation]
    assert services.layer_features(session, "event", viewer=leader).frame.empty
    assert len(services.layer_features(session, "police_unit", viewer=leader).frame) == 2  # reference geography
    with pytest.raises(NotFound):
        services.layer_feature(session, "patrol_zone", aw.world.far_zone, viewer=leader)
    with pytest.raises(NotFound):
        services.layer_feature(session, "formation", aw.world.unnotified, viewer=leader)
    assert services.layer_feature(session, "patrol_zone", aw.world.zone, viewer=leader).matched == 1


def test_a_leader_gets_no_incidents_not_even_on_the_map(session, aw):
    leader = aw.principals["leader"]
    with pytest.raises(Forbidden):
        services.layer_features(session, "incident", viewer=leader)
    assert "incident" not in services.map_layers(session, viewer=leader, limit=100)
    assert "incident" not in {s.name for s in services.visible_layers(viewer=leader)}
    with pytest.raises(Forbidden):
        services.incident_series(session, viewer=leader)
    with pytest.raises(Forbidden):
        services.list_runs(session, viewer=leader)


@pytest.mark.parametrize("who", ["dispatcher", "analyst", "supervisor"])
def test_police_staff_see_every_layer_whole(session, aw, who):
    viewer = aw.principals[who]
    assert len(services.layer_features(session, "patrol_zone", viewer=viewer).frame) == 2
    assert len(services.layer_features(session, "formation", viewer=viewer).frame) == 2
    assert services.layer_features(session, "incident", viewer=viewer).matched == 0


# --- what each role may do -----------------------------------------------------------------------


@pytest.mark.parametrize("who", ["analyst", "leader", "supervisor"])
def test_only_planners_propose_change_cancel_and_draw(session, aw, who):
    actor = aw.principals[who]
    with pytest.raises(Forbidden):
        services.assign_formation(session, lawful_request(aw.world, starts_at=at("2026-12-05 08:00"),
                                                          ends_at=at("2026-12-05 12:00")), actor=actor)
    with pytest.raises(Forbidden):
        services.update_assignment(session, aw.own, actor=actor, activity="8.1")
    with pytest.raises(Forbidden):
        services.cancel_assignment(session, aw.own, actor=actor, reason="no")
    with pytest.raises(Forbidden):
        services.draw_patrol_zone(session, actor=actor, name="x", geometry=mapping(box(76.92, 43.23, 76.925, 43.235)))
    with pytest.raises(Forbidden):
        services.dispatch_options(session, viewer=actor, target_kind="patrol_zone", target_id=aw.world.zone,
                                  starts_at=at("2026-12-05 18:00"), ends_at=at("2026-12-05 22:00"))


@pytest.mark.parametrize("who", ["dispatcher", "leader", "supervisor"])
def test_only_analysts_run_analyses(session, aw, who):
    with pytest.raises(Forbidden):
        hotspots(session, Selection(), Parameters.from_json({"method": "gi_star"}), actor=aw.principals[who])


def test_a_leader_reads_their_own_roster_only(session, aw):
    leader = aw.principals["leader"]
    day = at("2026-12-05 00:00").date()
    assert services.formation_roster(session, aw.world.formation, viewer=leader, day=day)["members"]
    with pytest.raises(NotFound):
        services.formation_roster(session, aw.world.unnotified, viewer=leader, day=day)
    with pytest.raises(Forbidden):
        services.formation_roster(session, aw.world.formation, viewer=aw.principals["analyst"], day=day)


# --- signing off ---------------------------------------------------------------------------------


def test_a_supervisor_signs_as_their_own_officer_and_an_admin_names_one(aw):
    supervisor = aw.principals["supervisor"]
    assert signing_officer(supervisor, None) == aw.world.officer
    with pytest.raises(Forbidden):
        signing_officer(supervisor, aw.world.other_officer)
    assert signing_officer(SYSTEM, aw.world.other_officer) == aw.world.other_officer
    with pytest.raises(Forbidden):
        signing_officer(SYSTEM, None)
    with pytest.raises(Forbidden):
        signing_officer(aw.principals["dispatcher"], aw.world.officer)


def test_a_supervisor_cannot_sign_off_another_units_proposal(session, aw):
    with pytest.raises(NotFound):
        services.confirm_assignment(session, aw.other, actor=aw.principals["supervisor"])
    with pytest.raises(NotFound):
        services.reject_assignment(session, aw.own, actor=aw.principals["other_supervisor"], reason="not mine")
    a = services.confirm_assignment(session, aw.own, actor=aw.principals["supervisor"])
    assert a.status == "confirmed"


# --- the audit of changes ------------------------------------------------------------------------


def test_every_change_to_an_assignment_is_audited_with_before_and_after(session, aw):
    dispatcher = aw.principals["dispatcher"]
    a = services.assign_formation(session, lawful_request(aw.world, formation_id=aw.world.formation,
                                                          starts_at=at("2026-12-05 08:00"),
                                                          ends_at=at("2026-12-05 12:00")), actor=dispatcher)
    services.update_assignment(session, a.id, actor=dispatcher, ends_at=at("2026-12-05 13:00"))
    services.reject_assignment(session, a.id, actor=aw.principals["supervisor"], reason="too early")
    services.confirm_assignment(session, aw.own, actor=aw.principals["supervisor"])
    services.cancel_assignment(session, aw.own, actor=dispatcher, reason="event moved")
    entries = audit(session, "assignment", a.id)
    trail = [(e.action, e.actor, (e.before or {}).get("status"), e.after["status"]) for e in entries]
    assert trail == [("create", "dispatcher", None, "proposed"), ("update", "dispatcher", "proposed", "proposed"),
                     ("rejected", "supervisor", "proposed", "rejected")]
    ends = [datetime.fromisoformat(e["shift"][1]) for e in (entries[1].before, entries[1].after)]
    assert ends == [at("2026-12-05 12:00"), at("2026-12-05 13:00")]
    assert entries[2].after["status_reason"] == "too early"
    own = [(e.action, e.actor) for e in audit(session, "assignment", aw.own)]
    assert own == [("create", "system"), ("confirmed", "supervisor"), ("cancelled", "dispatcher")]


def test_a_refused_change_leaves_no_audit_entry(session, aw):
    before = session.scalar(select(func.count()).select_from(AuditLog))
    with pytest.raises(RuleViolation):
        services.assign_formation(session, lawful_request(aw.world, formation_id=aw.world.unnotified),
                                  actor=aw.principals["dispatcher"])
    with pytest.raises(Forbidden):
        services.cancel_assignment(session, aw.own, actor=aw.principals["leader"], reason="mine")
    assert session.scalar(select(func.count()).select_from(AuditLog)) == before


def test_the_audit_entry_shares_the_transaction_of_its_change(session, aw):
    savepoint = session.begin_nested()
    services.cancel_assignment(session, aw.own, actor=aw.principals["dispatcher"], reason="rolled back")
    assert [e.action for e in audit(session, "assignment", aw.own)][-1] == "cancelled"
    savepoint.rollback()
    assert session.get(Assignment, aw.own).status == "proposed"
    assert [e.action for e in audit(session, "assignment", aw.own)] == ["create"]


def test_drawn_areas_and_imports_are_audited(session, aw):
    dispatcher = aw.principals["dispatcher"]
    zone = services.draw_patrol_zone(session, actor=dispatcher, name="Arbat",
                                     geometry=mapping(box(76.92, 43.23, 76.925, 43.235)))
    area = services.draw_emergency_area(session, actor=dispatcher, name="Flood", starts_at=at("2026-12-05 00:00"),
                                        geometry=mapping(box(76.93, 43.23, 76.935, 43.235)))
    [z] = audit(session, "patrol_zone", zone["id"])
    assert (z.action, z.actor, z.before, z.after["name"], z.after["geometry"]["type"]) == (
        "create", "dispatcher", None, "Arbat", "Polygon")
    [e] = audit(session, "emergency_area", area["id"])
    assert e.after["starts_at"].startswith("2026-12-05T00:00")
    frame = gpd.GeoDataFrame({"name": ["Kok-Tobe"], "base_type": ["residence"]},
                             geometry=[MultiPolygon([box(76.91, 43.23, 76.95, 43.27)])], crs=4326)
    with pytest.raises(Forbidden):
        services.import_frame(session, "formation", frame, name="formations.gpkg", actor=dispatcher)
    batch = services.import_frame(session, "formation", frame, name="formations.gpkg", actor=SYSTEM)
    [i] = audit(session, "import_batch", batch.import_id)
    assert (i.actor, i.after) == ("system", {"layer": "formation", "source_name": "formations.gpkg",
                                             "source_crs": "EPSG:4326", "rows": 1})
