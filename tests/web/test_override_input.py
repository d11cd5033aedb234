"""A home-area override the rules let pass is stored only whole (an officer and a reason): else a 400/404."""
from __future__ import annotations

import pytest

from tests.conftest import make_app, sign_in
from tests.support.access_world import aw  # noqa: F401  (fixture)


@pytest.mark.parametrize("changes, status, reason", [
    ({"override_officer_id": "officer", "override_reason": ""}, 400, "non-blank override_reason"),
    ({"override_officer_id": "officer", "override_reason": "   "}, 400, "non-blank override_reason"),
    ({"override_officer_id": "officer"}, 400, "needs both override_officer_id"),
    ({"override_reason": "city day"}, 400, "needs both override_officer_id"),
    ({"override_officer_id": 999_999, "override_reason": "city day"}, 404, "no officer 999999"),
])
def test_an_incomplete_override_inside_the_home_area_is_refused_and_stores_nothing(connection, aw, changes, status,
                                                                                  reason):
    client = sign_in(make_app(connection).test_client(), aw.logins["dispatcher"])
    body = {k: aw.world.officer if v == "officer" else v for k, v in changes.items()}
    before = client.get(f"/api/v1/assignments/{aw.own}").get_json(force=True)["properties"]
    for r in (client.patch(f"/api/v1/assignments/{aw.own}", json=body),
              client.post("/api/v1/assignments", json={
                  "formation_id": aw.world.formation, "target_kind": "patrol_zone", "target_id": aw.world.zone,
                  "activity": "8.1", "starts_at": "2026-12-05T10:00", "ends_at": "2026-12-05T14:00",
                  "officer_id": aw.world.officer, **body})):
        assert r.status_code == status and r.is_json, r.get_data(as_text=True)
        assert reason in r.get_json()["error"]
    after = client.get(f"/api/v1/assignments/{aw.own}").get_json(force=True)["properties"]
    assert (after["override_officer_id"], after["override_reason"]) == (before["override_officer_id"],
                                                                        before["override_reason"])
