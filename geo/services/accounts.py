"""Accounts: creating users, checking passwords with a limit on failures, and who a user is."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..access import Principal, require
from ..db import accounts as q
from ..domain import Role
from ..errors import Forbidden, InvalidInput, NotFound
from ..settings import PASSWORD_HASH_METHOD
from .accountability.audit import record

MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class LoginPolicy:
    """How many failed logins (per login or per address) are allowed within a window."""

    max_failures: int = 5
    window: timedelta = timedelta(minutes=15)


class TooManyAttempts(Forbidden):
    """Logins from this account or address are paused after repeated failures."""


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _roles(roles) -> list[str]:
    try:
        parsed = sorted({Role(r).value for r in roles})
    except ValueError as exc:
        raise InvalidInput(f"unknown role: {exc}; roles are: {', '.join(r.value for r in Role)}") from None
    if not parsed:
        raise InvalidInput("a user needs at least one role")
    return parsed


def create_user(session: Session, actor: Principal, *, login: str, full_name: str, password: str, roles,
                officer_id: int | None = None, formation_id: int | None = None,
                hash_method: str = PASSWORD_HASH_METHOD) -> int:
    """Store a user with a password hashed by ``hash_method`` (werkzeug's ``generate_password_hash``);
    supervisors name their officer, leaders their formation."""
    require(actor, Role.ADMIN)
    login = (login or "").strip().lower()
    roles = _roles(roles)
    problems = []
    if q.user_by_login(session, login):
        problems.append(f"the login {login!r} is taken")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems.append(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    if Role.SUPERVISOR in roles and officer_id is None:
        problems.append("a supervisor must be linked to an officer")
    if Role.LEADER in roles and formation_id is None:
        problems.append("a leader must be linked to a formation")
    if not full_name or not full_name.strip():
        problems.append("a full name is needed")
    if problems:
        raise InvalidInput("; ".join(problems))
    account = q.add_user(session, login=login, full_name=full_name.strip(),
                         password_hash=generate_password_hash(password, method=hash_method), roles=roles,
                         officer_id=officer_id, formation_id=formation_id)
    record(session, actor, "create", "user_account", account.id, None, _public(account))
    return account.id


def reset_password(session: Session, actor: Principal, *, login: str, password: str,
                   hash_method: str = PASSWORD_HASH_METHOD) -> None:
    """Store a new password for ``login``, hashed by ``hash_method`` as in ``create_user``."""
    require(actor, Role.ADMIN)
    account = q.user_by_login(session, login)
    if account is None:
        raise NotFound(f"no user {login!r}")
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(f"the password needs at least {MIN_PASSWORD_LENGTH} characters")
    account.password_hash = generate_password_hash(password, method=hash_method)
    record(session, actor, "reset-password", "user_account", account.id, None, _public(account))


def authenticate(session: Session, *, login: str, password: str, remote_addr: str | None,
                 policy: LoginPolicy = LoginPolicy()) -> Principal | None:
    """The principal for a correct login and password, None for a wrong one; every attempt is
    recorded, so the caller commits in both cases.

    Raises ``TooManyAttempts`` after ``policy.max_failures`` failures within ``policy.window``
    (per login or per address), before looking at the password.
    """
    login = (login or "").strip().lower()
    since = _now() - policy.window
    if q.failures_since(session, login=login, remote_addr=remote_addr, since=since) >= policy.max_failures:
        raise TooManyAttempts("too many failed logins; wait a few minutes and try again")
    account = q.user_by_login(session, login)
    ok = bool(account and account.active and check_password_hash(account.password_hash, password or ""))
    q.record_attempt(session, login=login, remote_addr=remote_addr, succeeded=ok)
    return principal_of(session, account.id) if ok else None


def principal_of(session: Session, user_id: int) -> Principal:
    """Who a stored user is, with the unit of their officer (supervisors)."""
    account = q.user(session, user_id)
    if account is None or not account.active:
        raise NotFound("no such user")
    return Principal(account.id, account.login, frozenset(Role(r) for r in account.roles),
                     officer_id=account.officer_id, unit_id=q.officer_unit(session, account.officer_id),
                     formation_id=account.formation_id)


def list_users(session: Session, actor: Principal) -> list[dict]:
    require(actor, Role.ADMIN)
    return [_public(u) for u in q.users(session)]


def _public(account) -> dict:
    return {"id": account.id, "login": account.login, "full_name": account.full_name,
            "roles": list(account.roles), "officer_id": account.officer_id,
            "formation_id": account.formation_id, "active": account.active}
