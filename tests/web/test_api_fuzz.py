"""schemathesis over /api/v1/openapi.json, signed in as each role: no server error, answers as documented.

Seeded (``derandomize``) and bounded: every documented operation gets ``EXAMPLES`` generated requests
per role (random path ids, and the world's own ids so requests reach real rows). Writes happen on the
test's rolled-back connection (``make_app``), so nothing leaks.
"""
from __future__ import annotations

import copy
from dataclasses import dataclass, field

import geopandas as gpd
import numpy as np
import pytest
import schemathesis
from schemathesis import GenerationMode
from hypothesis import HealthCheck, Phase, given, settings, strategies as st
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (content_type_conformance, response_schema_conformance,
                                               status_code_conformance)
from shapely.geometry import Point

from geo import services
from geo.access import SYSTEM
from web.api.openapi import document

from tests.conftest import add_user, make_app, sign_in
from tests.support.access_world import build_access_world

ROLES = ("admin", "dispatcher", "analyst", "supervisor", "leader")
EXAMPLES = 10  # per operation and role: ~30 operations x 5 roles x 10, about 1,300 requests
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@dataclass
class Fuzzed:
    requests: int = 0
    failures: list[str] = field(default_factory=list)


@pytest.fixture(scope="module")
def fuzz_world(module_session):
    """The access world, an admin, a few incidents and one stored run, so real ids exist."""
    built = build_access_world(module_session, tag="-fz")
    built.logins["admin"] = "admin-fz"
    add_user(module_session, "admin-fz", ["admin"])
    rng = np.random.default_rng(10)
    xy = np.column_stack([rng.uniform(76.91, 76.97, 60), rng.uniform(43.23, 43.27, 60)])
    services.import_frame(module_session, "incident", gpd.GeoDataFrame(
        {"occurred_at": [f"2026-11-{d:02d} 21:30" for d in rng.integers(1, 29, len(xy))],
         "category": ["theft"] * len(xy), "source": ["police-record"] * len(xy)},
        geometry=[Point(p) for p in xy], crs=4326), name="fuzz incidents", actor=SYSTEM)
    module_session.commit()
    return built


def known_ids(w) -> dict:
    """Path parameters that name the world's own rows."""
    return {"assignment_id": w.own, "formation_id": w.world.formation, "feature_id": w.world.zone,
            "layer": "patrol_zone", "run_id": 1, "other_id": 1, "report_id": 1}


def fuzz_operation(app, operation, cookies: dict, ids: dict, tally: Fuzzed) -> None:
    names = {p.name for p in operation.path_parameters}
    own = {k: v for k, v in ids.items() if k in names}
    strategy = st.one_of(*(operation.as_strategy(mode, **({"path_parameters": own} if own and real else {}))
                           for mode in GenerationMode for real in (False, True)))

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=strategy)
    def run(case):
        tally.requests += 1
        response = case.call(app=app, cookies=cookies)
        case.validate_response(response, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # one entry per failing operation, all reported together
        tally.failures.append(f"{operation.method.upper()} {operation.path}: {str(exc)[:1500]}")


@pytest.mark.parametrize("role", ROLES)
def test_generated_requests_get_no_server_error_and_documented_answers(connection, fuzz_world, role):
    app = make_app(connection)
    client = sign_in(app.test_client(), fuzz_world.logins[role])
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    schema = schemathesis.openapi.from_dict(copy.deepcopy(document()))
    schema.app = app
    tally = Fuzzed()
    for result in schema.get_all_operations():
        fuzz_operation(app, result.ok(), {cookie.key: cookie.value}, known_ids(fuzz_world), tally)
    assert not tally.failures, f"{len(tally.failures)} operation(s) failed as {role}:\n" + "\n\n".join(tally.failures)
    print(f"{role}: {tally.requests} generated requests")
    assert tally.requests >= 1000 // len(ROLES)  # at least 1,000 over the roles
