"""The dispatch world with one assignment per formation and an account per role, for the access tests.

``own`` is Samal's lawful proposal on the Green market zone (Centre unit); ``other`` is Aksai's on
the far zone (East unit), stored directly since Aksai breaks the rules (they have their own tests).
"""
from __future__ import annotations

from dataclasses import dataclass

import pytest
from sqlalchemy.dialects.postgresql import Range
from sqlalchemy.orm import Session

from geo import services
from geo.access import SYSTEM, Principal
from geo.db.models import Assignment
from geo.services import AssignmentRequest
from geo.services.accounts import principal_of

from tests.conftest import add_user
from tests.support.dispatch_world import World, at, build

XSS = "<img src=x onerror=alert(1)>"
ESCAPED = "&lt;img src=x onerror=alert(1)&gt;"
SHIFT = ("2026-12-05T18:00", "2026-12-05T22:00")


@dataclass
class AccessWorld:
    world: World
    own: int      # Samal's assignment on world.zone, in the Centre unit's jurisdiction
    other: int    # Aksai's assignment on world.far_zone, in the East unit's jurisdiction
    logins: dict[str, str]  # role name → login
    principals: dict[str, Principal]


ACCOUNTS = {  # role name → (roles, links from the world)
    "leader": (["leader"], lambda w: {"formation_id": w.formation}),
    "other_leader": (["leader"], lambda w: {"formation_id": w.unnotified}),
    "supervisor": (["supervisor"], lambda w: {"officer_id": w.officer}),
    "other_supervisor": (["supervisor"], lambda w: {"officer_id": w.other_officer}),
    "dispatcher": (["dispatcher"], lambda w: {}),
    "analyst": (["analyst"], lambda w: {}),
}


def lawful_request(world: World, **changes) -> AssignmentRequest:
    values = dict(formation_id=world.formation, target_kind="patrol_zone", target_id=world.zone, activity="8.1",
                  starts_at=at("2026-12-05 18:00"), ends_at=at("2026-12-05 22:00"), officer_id=world.officer)
    values.update(changes)
    return AssignmentRequest(**values)


def store_directly(session: Session, *, formation: int, zone: int, officer: int | None = None,
                   status: str = "proposed") -> int:
    a = Assignment(formation_id=formation, patrol_zone_id=zone, regime="order-641", activity="8.1",
                   shift=Range(at("2026-12-05 18:00"), at("2026-12-05 22:00"), bounds="[)"), officer_id=officer,
                   status=status, created_by="test")
    session.add(a)
    session.flush()
    return a.id


def build_access_world(session: Session, tag: str = "") -> AccessWorld:
    """Store the world, both assignments and one account per role (logins suffixed by ``tag``)."""
    world = build(session, tag)
    own = services.assign_formation(session, lawful_request(world), actor=SYSTEM).id
    other = store_directly(session, formation=world.unnotified, zone=world.far_zone, officer=world.other_officer)
    logins, principals = {}, {}
    for name, (roles, links) in ACCOUNTS.items():
        login = f"{name.replace('_', '-')}{tag}".lower()
        user_id = add_user(session, login, roles, **links(world))
        logins[name], principals[name] = login, principal_of(session, user_id)
    session.flush()
    return AccessWorld(world, own, other, logins, principals)


@pytest.fixture(scope="module")
def aw(module_session) -> AccessWorld:
    """The access world built once per module; each test using it runs in a savepoint rolled back after it."""
    built = build_access_world(module_session)
    module_session.commit()
    return built
