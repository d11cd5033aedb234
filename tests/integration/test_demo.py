"""The Almaty demo loaded into the real PostGIS through the import pipeline (rolled back)."""
from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from geo.db.models import District, Event, Formation, Incident, PatrolZone, PoliceUnit, StreetSegment
from geo.demo import DEMO_LAYERS, demo_loaded, load_demo
from geo.errors import InvalidInput

NOW = datetime(2026, 5, 1, tzinfo=ZoneInfo("Asia/Almaty"))
AT_LEAST = {"district": 8, "police_unit": 8, "public_place": 100, "campus": 50, "pasture": 1,
            "crop_field": 20, "patrol_zone": 6, "event": 4, "formation": 8, "incident": 4000}

pytestmark = pytest.mark.realdata


@pytest.fixture(scope="module")
def loaded(module_session, shared_data) -> dict[str, int]:
    """The demo loaded once for the module; each test using it runs in a savepoint rolled back after it."""
    assert not demo_loaded(module_session)
    summary = load_demo(module_session, shared_data, seed=641, replace=False, now=NOW)
    module_session.commit()
    return summary


def test_the_demo_stores_every_layer(session, loaded):
    assert list(loaded)[:len(DEMO_LAYERS)] == list(DEMO_LAYERS)
    for layer, minimum in AT_LEAST.items():
        assert loaded[layer] >= minimum, layer
    assert session.scalar(select(func.count()).select_from(District)) == 8
    assert demo_loaded(session)
    # the shared street lines, stored for the planner's street-network distances
    assert loaded["street_segment"] == session.scalar(select(func.count()).select_from(StreetSegment)) == 4274
    assert 2_900_000 < session.scalar(select(func.sum(StreetSegment.length_m))) < 3_000_000


def test_each_police_unit_has_its_station_inside_its_jurisdiction(session, loaded):
    units = session.execute(select(PoliceUnit.name, District.name,
                                   func.ST_Covers(PoliceUnit.jurisdiction, PoliceUnit.station))
                            .join(District, PoliceUnit.district_id == District.id)).all()
    assert len(units) == 8
    assert all(inside for _, _, inside in units)
    assert all(name == f"Police Department of {district} District" for name, district, _ in units)


def test_notified_formations_name_the_unit_covering_their_home_area(session, loaded):
    rows = session.execute(select(Formation.name, Formation.notified_on, Formation.notification_ref,
                                  func.ST_Intersects(Formation.home_area, PoliceUnit.jurisdiction))
                           .join(PoliceUnit, Formation.notified_unit_id == PoliceUnit.id)).all()
    total = session.scalar(select(func.count()).select_from(Formation))
    assert 1 <= total - len(rows) <= 2  # one or two formations are not yet notified
    assert all(covers and on < NOW.date() and ref.startswith("No. ") for _, on, ref, covers in rows)


def test_patrol_zones_belong_to_the_unit_holding_their_centre(session, loaded):
    centre_inside = func.ST_Covers(PoliceUnit.jurisdiction, func.ST_Centroid(PatrolZone.geom))
    rows = session.scalars(select(centre_inside).select_from(PatrolZone)
                           .join(PoliceUnit, PatrolZone.police_unit_id == PoliceUnit.id)).all()
    assert len(rows) == loaded["patrol_zone"] and all(rows)


def test_events_are_upcoming_and_incidents_lie_in_the_districts(session, loaded):
    assert session.scalar(select(func.min(Event.starts_at))) > NOW
    outside = session.scalar(select(func.count()).select_from(Incident).where(
        ~select(District.id).where(func.ST_Covers(District.geom, Incident.geom)).exists()))
    assert outside == 0
    sources = session.scalars(select(Incident.source).distinct()).all()
    assert sources == ["synthetic-demo"]


def test_a_second_load_without_replace_is_refused_and_with_replace_loads_again(session, shared_data, loaded):
    """``kuzet demo --force`` twice in a row: each load deletes the demo's assignments (their
    append-only history stays, naming ids no live assignment has) and stores the same again."""
    from sqlalchemy import text

    from geo.demo.accounts import create_demo_accounts

    from tests.conftest import TEST_HASH_METHOD

    with pytest.raises(InvalidInput, match="hold data"):
        load_demo(session, shared_data, seed=641, replace=False, now=NOW)
    history_before = session.scalar(text("SELECT count(*) FROM assignment_history"))
    for _ in range(2):  # as the command does: the demo, then its accounts (a leader among them)
        again = load_demo(session, shared_data, seed=641, replace=True, now=NOW)
        create_demo_accounts(session, hash_method=TEST_HASH_METHOD)
        assert again == loaded
    assert session.scalar(select(func.count()).select_from(PoliceUnit)) == 8
    assert session.scalar(select(func.count()).select_from(StreetSegment)) == loaded["street_segment"]
    live = session.execute(text(
        "SELECT count(*) AS n, count(*) FILTER (WHERE status = 'confirmed' AND acknowledged_at IS NOT NULL) AS ok "
        "FROM assignment")).one()
    assert live.n == live.ok == loaded["assignment"] > 0
    # each live assignment's own history: proposed (create), then confirmed; nothing older under its id
    actions = session.execute(text(
        "SELECT array_agg(h.action ORDER BY h.id) FROM assignment a JOIN assignment_history h "
        "ON h.assignment_id = a.id GROUP BY a.id")).scalars().all()
    assert len(actions) == loaded["assignment"] and set(map(tuple, actions)) == {("create", "confirmed")}
    history_after = session.scalar(text("SELECT count(*) FROM assignment_history"))
    assert history_after == history_before + 2 * 2 * loaded["assignment"]  # two loads, two rows each
    # the history was written before any leader account existed: nobody is notified of past shifts
    assert session.scalar(text("SELECT count(*) FROM notification")) == 0


def test_a_missing_data_folder_is_reported(session, tmp_path):
    with pytest.raises(InvalidInput, match="not found"):
        load_demo(session, tmp_path / "nowhere", seed=1, replace=False)


def test_every_unit_has_officers_on_duty_and_every_formation_members_and_a_leader(session, loaded):
    from sqlalchemy import text

    from geo.rules.participants import age_on

    from geo.demo import definitions
    from geo.demo.history import history_days
    from geo.demo.people import ROSTER_DAYS_AFTER

    # every day from the patrol history's first (and the night before it) to two weeks ahead
    days = history_days(definitions()["patrol_history"]) + 1 + ROSTER_DAYS_AFTER
    assert loaded["officer"] == 24 and loaded["officer_duty"] == 24 * days and loaded["participant"] >= 60
    on_duty = session.scalar(text(
        "SELECT count(DISTINCT o.police_unit_id) FROM officer o JOIN officer_duty d ON d.officer_id = o.id "
        "WHERE o.active AND d.period @> tstzrange(:s, :e)"),
        {"s": NOW.replace(hour=18), "e": NOW.replace(hour=23)})
    assert on_duty == 8
    leaders = session.scalar(text("SELECT count(*) FROM formation f JOIN formation_member m "
                                  "ON m.formation_id = f.id AND m.participant_id = f.leader_id"))
    assert leaders == loaded["formation"]
    rows = session.execute(text("SELECT registration_status, birth_date, iin FROM participant")).all()
    statuses = {r.registration_status for r in rows}
    assert "registered" in statuses and statuses - {"registered"}  # some are still in the pipeline
    assert any(age_on(r.birth_date, NOW.date()) < 18 for r in rows)  # a minor or two, refused by the rules
    assert all(len(r.iin) == 12 and r.iin.isdigit() for r in rows)
    assert len({r.iin for r in rows}) == len(rows)


def test_the_demo_gives_the_dispatcher_lawful_choices_and_unlawful_ones(session, loaded):
    from datetime import timedelta

    from geo import services
    from geo.access import SYSTEM

    start = NOW + timedelta(days=1, hours=18)
    zones = session.scalars(select(PatrolZone.id).order_by(PatrolZone.id)).all()
    eligible_somewhere = 0
    for zone in zones:
        window = dict(target_kind="patrol_zone", target_id=zone, starts_at=start, ends_at=start + timedelta(hours=4))
        fits = services.candidate_formations(session, activity="8.1", **window, viewer=SYSTEM)
        officers = services.supervising_officers(session, **window, viewer=SYSTEM)
        if any(f.eligible for f in fits) and any(o["can_supervise"] for o in officers):
            eligible_somewhere += 1
        assert any("formation-notified" in f.failed_codes for f in fits)  # the unnotified ones say why
    assert eligible_somewhere >= 3


def test_the_demo_has_individual_participants_and_officers_of_the_specified_services(session, loaded):
    """Items 5-6: some participants assist on their own (individual, or members who do both), and each
    unit has a local inspector and an officer of the juvenile affairs unit (6.2's specified services)."""
    from datetime import timedelta

    from sqlalchemy import text

    from geo import services
    from geo.access import SYSTEM

    forms = dict(session.execute(text("SELECT participation_form, count(*) FROM participant GROUP BY 1")).all())
    assert forms["individual"] >= 5 and forms["both"] >= loaded["formation"] and forms["member"] > forms["both"]
    lone = session.scalar(text("SELECT count(*) FROM participant p WHERE participation_form = 'individual' AND "
                               "NOT EXISTS (SELECT 1 FROM formation_member m WHERE m.participant_id = p.id)"))
    assert lone == forms["individual"]
    services_by_unit = session.execute(text(
        "SELECT police_unit_id, array_agg(service ORDER BY service) FROM officer WHERE active GROUP BY 1")).all()
    assert all({"local-inspector"} <= set(s) for _, s in services_by_unit)
    assert session.scalar(text("SELECT count(*) FROM officer WHERE service = 'juvenile' AND active")) >= 4
    start = NOW + timedelta(days=1, hours=18)
    zone = session.scalar(select(PatrolZone.id).order_by(PatrolZone.id))
    offered = services.candidate_individuals(session, target_kind="patrol_zone", target_id=zone, activity="6.1",
                                             starts_at=start, ends_at=start + timedelta(hours=4), viewer=SYSTEM)
    assert sum(i["eligible"] for i in offered) >= 5 and not all(i["eligible"] for i in offered)


def test_the_demo_accounts_include_an_individual_participant_who_sees_their_own_tasks(session, loaded):
    from geo import services
    from geo.demo.accounts import create_demo_accounts
    from geo.services.accounts import authenticate

    from tests.conftest import TEST_HASH_METHOD

    accounts = {a["login"]: a for a in create_demo_accounts(session, hash_method=TEST_HASH_METHOD)}
    shown = accounts["participant"]
    assert shown["roles"] == ["participant"] and shown["linked"].startswith("individual participant ")
    who = authenticate(session, login="participant", password=shown["password"], remote_addr=None)
    assert who is not None and who.participant_id is not None
    mine = services.my_shifts(session, who)
    assert mine["formation"] is None and mine["participant"]["id"] == who.participant_id
    assert shown["linked"] == f"individual participant {mine['participant']['name']}"


def _history(session):
    from geo.db.models import Assignment

    return session.scalars(select(Assignment).order_by(Assignment.id)).all()


def test_every_shift_of_the_patrol_history_passes_the_rules(session, loaded):
    """Each history assignment, as stored (its members, officer and shift), checked again by the
    regime's rules; and, by plain SQL as a cross-check, its officer on duty all shift and of a unit
    holding the zone (its point on surface), and its members certified and trained before the shift."""
    from sqlalchemy import text

    from geo.db.assignment_writes import member_ids
    from geo.regimes import get_regime
    from geo.rules import check_assignment
    from geo.services import AssignmentRequest, build_facts

    history = _history(session)
    assert len(history) == loaded["assignment"] >= 40
    for a in history:
        assert a.status == "confirmed" and a.acknowledged_at is not None
        assert a.acknowledged_at < a.shift.lower and a.shift.upper <= NOW  # acknowledged ahead, all in the past
        members = member_ids(session, a.id)
        assert members
        regime = get_regime(a.regime)
        request = AssignmentRequest(a.formation_id, "patrol_zone", a.patrol_zone_id, a.activity, a.shift.lower,
                                    a.shift.upper, officer_id=a.officer_id, member_ids=members)
        assert check_assignment(build_facts(session, request, regime, exclude_id=a.id), regime) == [], a.id
    unlawful = session.execute(text("""
        SELECT a.id FROM assignment a
        JOIN officer o ON o.id = a.officer_id
        JOIN police_unit u ON u.id = o.police_unit_id
        JOIN patrol_zone z ON z.id = a.patrol_zone_id
        WHERE NOT o.active
           OR NOT ST_Covers(u.jurisdiction, ST_PointOnSurface(z.geom))  -- D: the unit holding the zone
           OR NOT EXISTS (SELECT 1 FROM officer_duty d WHERE d.officer_id = o.id AND d.period @> a.shift)
           OR EXISTS (SELECT 1 FROM assignment_member m JOIN participant p ON p.id = m.participant_id
                      WHERE m.assignment_id = a.id
                        AND (p.registration_status <> 'registered' OR p.certificate_status <> 'issued'
                             OR p.legal_training_on IS NULL
                             OR p.legal_training_on > (lower(a.shift) AT TIME ZONE 'Asia/Almaty')::date))
    """)).scalars().all()
    assert unlawful == []


def test_the_evaluation_of_the_fresh_demo_shows_each_patrolled_zone_with_its_interval(session, loaded):
    """The analyst's evaluation on the demo as loaded: every history zone, its patrols' start the
    first shift, compared with unpatrolled zones only, with an estimate and its 95 % interval."""
    from geo.access import SYSTEM
    from geo.demo import definitions
    from geo.services.evaluation import EvaluationRequest, evaluate_patrols
    from geo.settings import EvaluationSettings

    zones = {p["zone"] for p in definitions()["patrol_history"]}
    first = {}
    for a in _history(session):
        name = session.get(PatrolZone, a.patrol_zone_id).name
        first[name] = min(first.get(name, a.shift.lower), a.shift.lower)
    found = evaluate_patrols(session, EvaluationRequest.checked(EvaluationSettings()), viewer=SYSTEM, now=NOW)
    assert {f.name for f in found} == zones == set(first)
    with_interval = 0
    for f in found:
        assert f.kind == "patrol_zone" and f.began == first[f.name] and f.window_end <= NOW
        assert f.control_names and not set(f.control_names) & zones  # only unpatrolled zones compare
        assert f.result.verdict not in ("not-over", "no-controls"), f.name
        if f.result.effect is not None:
            e = f.result.effect
            assert 0 < e.low < e.ratio < e.high
            with_interval += 1
    assert with_interval >= 1
