"""Signed-in test clients for the people of the leader world."""
from __future__ import annotations

import pytest

from tests.conftest import sign_in
from tests.support.leader_world import lw  # noqa: F401  (fixture, for the modules importing as_user)


@pytest.fixture
def as_user(app, lw):
    """``as_user("leader")`` → a client signed in as that account of the leader world."""
    clients = {}

    def client(login: str):
        if login not in clients:
            clients[login] = sign_in(app.test_client(), login)
        return clients[login]

    return client
