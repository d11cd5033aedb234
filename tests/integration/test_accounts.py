"""Accounts on the real database: hashed passwords, roles tied to officers/formations, failed sign-ins
slowed per (login, address) with a looser ceiling per address (time passed as ``now``)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import IntegrityError

from geo.access import SYSTEM, Principal
from geo.db.models import AuditLog, LoginAttempt, UserAccount
from geo.domain import Role
from geo.errors import Forbidden, InvalidInput
from geo.services.accounts import (LoginPolicy, TooManyAttempts, authenticate, create_user, list_users,
                                   reset_password)
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


T0 = datetime(2026, 12, 1, 18, 0, tzinfo=timezone.utc)
ATTACKER = "10.9.9.9"


def seconds(n: float) -> datetime:
    return T0 + timedelta(seconds=n)


def try_login(session, login, password, at, addr=ATTACKER, policy=LoginPolicy(free_failures=3)):
    return authenticate(session, login=login, password=password, remote_addr=addr, policy=policy, now=at)


def test_failures_from_one_address_delay_only_the_guessed_login_with_growing_waits(session, world):
    create_user(session, SYSTEM, login="leader1", full_name="Leader", password=PASSWORD, roles=["leader"],
                formation_id=world.formation, hash_method=TEST_HASH_METHOD)
    create_user(session, SYSTEM, login="ana", full_name="Ana", password=PASSWORD, roles=["analyst"],
                hash_method=TEST_HASH_METHOD)
    for n in range(3):
        assert try_login(session, "leader1", "guess", seconds(n)) is None
    # the right password for another login from the attacker's address, and the guessed login from
    # elsewhere, pass
    assert try_login(session, "ana", PASSWORD, seconds(3)).login == "ana"
    assert try_login(session, "leader1", PASSWORD, seconds(3), addr="10.1.1.1").login == "leader1"
    last, waits = seconds(2), []
    for _ in range(6):
        with pytest.raises(TooManyAttempts) as refused:  # even the right password waits
            try_login(session, "leader1", PASSWORD, last + timedelta(seconds=30))
        assert refused.value.scope == "login"
        waits.append((refused.value.retry_at - last) / timedelta(minutes=1))
        last = refused.value.retry_at
        assert try_login(session, "leader1", "guess", last) is None
    assert waits == [1, 2, 4, 8, 15, 15]
    assert try_login(session, "leader1", PASSWORD, last + timedelta(minutes=15)).login == "leader1"
    assert try_login(session, "leader1", "guess", last + timedelta(minutes=16)) is None  # a success resets


def test_a_login_locked_only_while_its_wait_runs_and_refused_attempts_are_not_recorded(session):
    for n in range(3):
        try_login(session, "nobody", "guess", seconds(n))
    recorded = session.scalar(select(func.count()).select_from(LoginAttempt))
    for n in range(10):
        with pytest.raises(TooManyAttempts):
            try_login(session, "nobody", "guess", seconds(3 + n))
    assert session.scalar(select(func.count()).select_from(LoginAttempt)) == recorded
    assert try_login(session, "nobody", "guess", seconds(62)) is None  # the wait ran out, not extended
    for n in range(3):  # failures older than the policy's memory (an hour) are forgotten: 3 free ones again
        assert try_login(session, "nobody", "guess", seconds(62 + 3601 + n)) is None


def test_an_address_past_its_ceiling_has_wrong_passwords_refused_and_right_ones_pass(session):
    create_user(session, SYSTEM, login="ana", full_name="Ana", password=PASSWORD, roles=["analyst"],
                hash_method=TEST_HASH_METHOD)
    policy = LoginPolicy(free_failures=3, address_max_failures=6, address_window=timedelta(minutes=15))
    for n in range(6):  # one guess each for six logins: no pair is locked, the address reaches its ceiling
        assert try_login(session, f"guess{n}", "guess", seconds(n), policy=policy) is None
    with pytest.raises(TooManyAttempts) as refused:
        try_login(session, "guess6", "guess", seconds(10), policy=policy)
    assert refused.value.scope == "address"
    assert refused.value.retry_at == seconds(1) + timedelta(minutes=15)  # then 5 failures remain in the window
    assert try_login(session, "ana", PASSWORD, seconds(11), policy=policy).login == "ana"
    with pytest.raises(TooManyAttempts) as refused:  # past the ceiling a login waits after its first failure
        try_login(session, "guess0", PASSWORD, seconds(12), policy=policy)
    assert refused.value.scope == "login" and refused.value.retry_at == seconds(60)
    assert try_login(session, "guess7", "guess", seconds(16 * 60), policy=policy) is None  # below it again
    assert try_login(session, "guess8", "guess", seconds(10), addr="10.1.1.1", policy=policy) is None


def test_admins_see_which_logins_are_locked_and_until_when(session):
    create_user(session, SYSTEM, login="ana", full_name="Ana", password=PASSWORD, roles=["analyst"],
                hash_method=TEST_HASH_METHOD)
    create_user(session, SYSTEM, login="bek", full_name="Bek", password=PASSWORD, roles=["analyst"],
                hash_method=TEST_HASH_METHOD)
    policy = LoginPolicy(free_failures=3)
    for n in range(3):
        try_login(session, "ana", "guess", seconds(n), policy=policy)
    try_login(session, "bek", "guess", seconds(0), policy=policy)
    users = {u["login"]: u for u in list_users(session, SYSTEM, policy=policy, now=seconds(30))}
    assert users["ana"]["locked"] == [{"address": ATTACKER, "until": seconds(62)}]
    assert users["bek"]["locked"] == []
    later = {u["login"]: u for u in list_users(session, SYSTEM, policy=policy, now=seconds(62))}
    assert later["ana"]["locked"] == []
    with pytest.raises(Forbidden):
        list_users(session, Principal(1, "disp", frozenset({Role.DISPATCHER})))


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
