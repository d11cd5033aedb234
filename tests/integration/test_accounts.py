"""Accounts on the real database: hashed passwords, roles tied to officers/formations, rate limits."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from geo.access import SYSTEM, Principal
from geo.db.models import AuditLog, UserAccount
from geo.domain import Role
from geo.errors import Forbidden, InvalidInput
from geo.services.accounts import LoginPolicy, TooManyAttempts, authenticate, create_user, reset_password
from tests.conftest import TEST_HASH_METHOD
from tests.support.dispatch_world import world  # noqa: F401  (fixture)

PASSWORD = "correct horse battery"


def test_a_user_is_stored_with_a_hash_never_the_password_and_the_creation_is_audited(session, world):
    uid = create_user(session, SYSTEM, login="Abenov", full_name="Capt. Abenov", password=PASSWORD,
                      roles=["supervisor"], officer_id=world.officer)
    account = session.get(UserAccount, uid)
    assert account.login == "abenov" and PASSWORD not in account.password_hash
    assert account.password_hash.startswith(("scrypt:", "pbkdf2:"))
    entry = session.scalar(select(AuditLog).where(AuditLog.entity == "user_account", AuditLog.entity_id == uid))
    assert entry.action == "create" and "password_hash" not in entry.after


def test_who_signs_in_is_a_principal_with_the_unit_of_their_officer(session, world):
    create_user(session, SYSTEM, login="abenov", full_name="Capt. Abenov", password=PASSWORD,
                roles=["supervisor"], officer_id=world.officer, hash_method=TEST_HASH_METHOD)
    who = authenticate(session, login="ABENOV ", password=PASSWORD, remote_addr="127.0.0.1")
    assert who.roles == {Role.SUPERVISOR} and who.unit_id == world.unit and who.only_unit == world.unit
    assert authenticate(session, login="abenov", password="wrong password", remote_addr="127.0.0.1") is None
    assert authenticate(session, login="nobody", password=PASSWORD, remote_addr="127.0.0.1") is None


def test_failed_logins_are_limited_per_login_and_per_address(session, world):
    create_user(session, SYSTEM, login="leader1", full_name="Leader", password=PASSWORD, roles=["leader"],
                formation_id=world.formation, hash_method=TEST_HASH_METHOD)
    policy = LoginPolicy(max_failures=3, window=timedelta(minutes=15))
    for _ in range(3):
        assert authenticate(session, login="leader1", password="guess", remote_addr="10.9.9.9", policy=policy) is None
    with pytest.raises(TooManyAttempts):  # even the right password waits now
        authenticate(session, login="leader1", password=PASSWORD, remote_addr="127.0.0.2", policy=policy)
    with pytest.raises(TooManyAttempts):  # and the address is paused for other logins too
        authenticate(session, login="someone", password="x", remote_addr="10.9.9.9", policy=policy)
    session.execute(text("UPDATE login_attempt SET at = at - interval '1 hour'"))
    assert authenticate(session, login="leader1", password=PASSWORD, remote_addr="10.9.9.9", policy=policy)


@pytest.mark.parametrize("changes, message", [
    ({"roles": ["supervisor"]}, "linked to an officer"),
    ({"roles": ["leader"]}, "linked to a formation"),
    ({"roles": ["inspector"]}, "unknown role"),
    ({"password": "short"}, "at least 10 characters"),
    ({"full_name": " "}, "full name"),
])
def test_bad_accounts_are_refused_with_the_reason(session, changes, message):
    values = dict(login="user1", full_name="User", password=PASSWORD, roles=["analyst"])
    values.update(changes)
    with pytest.raises(InvalidInput, match=message):
        create_user(session, SYSTEM, hash_method=TEST_HASH_METHOD, **values)


def test_only_admins_create_users_or_reset_passwords(session):
    dispatcher = Principal(1, "disp", frozenset({Role.DISPATCHER}))
    with pytest.raises(Forbidden):
        create_user(session, dispatcher, login="x1x", full_name="X", password=PASSWORD, roles=["analyst"])
    create_user(session, SYSTEM, login="ana", full_name="Ana", password=PASSWORD, roles=["analyst"],
                hash_method=TEST_HASH_METHOD)
    with pytest.raises(Forbidden):
        reset_password(session, dispatcher, login="ana", password="new password 123")
    reset_password(session, SYSTEM, login="ana", password="new password 123", hash_method=TEST_HASH_METHOD)
    assert authenticate(session, login="ana", password="new password 123", remote_addr=None)


def test_production_hashes_passwords_with_scrypt_and_a_caller_may_choose_another_method(session):
    uid = create_user(session, SYSTEM, login="ana", full_name="Ana", password=PASSWORD, roles=["analyst"])
    assert session.get(UserAccount, uid).password_hash.startswith("scrypt:")
    reset_password(session, SYSTEM, login="ana", password="new password 123")
    assert session.get(UserAccount, uid).password_hash.startswith("scrypt:")
    reset_password(session, SYSTEM, login="ana", password="new password 456", hash_method=TEST_HASH_METHOD)
    assert session.get(UserAccount, uid).password_hash.startswith("pbkdf2:sha256:1$")
    assert authenticate(session, login="ana", password="new password 456", remote_addr=None)


def test_the_database_refuses_a_leader_without_formation_and_the_audit_log_is_append_only(connection):
    with pytest.raises(IntegrityError, match="leader_has_formation"), connection.begin_nested():
        connection.execute(text("INSERT INTO user_account (login, full_name, password_hash, roles) "
                                "VALUES ('lead', 'L', 'x', ARRAY['leader'])"))
    connection.execute(text("INSERT INTO audit_log (actor, action, entity) VALUES ('a', 'create', 'x')"))
    with pytest.raises(Exception, match="append-only"), connection.begin_nested():
        connection.execute(text("DELETE FROM audit_log"))
