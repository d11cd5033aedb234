"""Accounts: creating users, checking passwords with failed sign-ins slowed down, and who a user is."""
from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from ..access import Principal, require
from ..db import accounts as q
from ..domain import Role
from ..errors import Forbidden, InvalidInput, NotFound
from ..messages import N_, Joined, Message
from ..settings import LOCALES, PASSWORD_HASH_METHOD, LoginPolicy
from .accountability.audit import record

MIN_PASSWORD_LENGTH = 10


class TooManyAttempts(Forbidden):
    """Sign-in refused for now after repeated failures; ``retry_at`` is when to try again.

    ``scope`` is ``"login"`` (this login from this address waits) or ``"address"`` (this address
    has failed too often, for any login).
    """

    def __init__(self, message: str, *, scope: str, retry_at: datetime):
        super().__init__(message)
        self.scope = scope
        self.retry_at = retry_at


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _roles(roles) -> list[str]:
    try:
        parsed = sorted({Role(r).value for r in roles})
    except ValueError as exc:
        raise InvalidInput(Message("accounts.unknown-role-roles",
                                   N_("unknown role: %(exc)s; roles are: %(value)s"),
                                   exc=exc, value=', '.join(r.value for r in Role))) from None
    if not parsed:
        raise InvalidInput(Message("accounts.user-needs-least", N_("a user needs at least one role")))
    return parsed


def create_user(session: Session, actor: Principal, *, login: str, full_name: str, password: str, roles,
                officer_id: int | None = None, formation_id: int | None = None,
                participant_id: int | None = None, hash_method: str = PASSWORD_HASH_METHOD) -> int:
    """Store a user with a password hashed by ``hash_method`` (werkzeug's ``generate_password_hash``);
    supervisors name their officer, leaders their formation, individual participants their own row."""
    require(actor, Role.ADMIN)
    login = (login or "").strip().lower()
    roles = _roles(roles)
    problems = []
    if q.user_by_login(session, login):
        problems.append(Message("accounts.login-taken", N_("the login %(login)r is taken"), login=login))
    if len(password or "") < MIN_PASSWORD_LENGTH:
        problems.append(Message("accounts.password-short", N_("the password needs at least %(length)d characters"),
                                length=MIN_PASSWORD_LENGTH))
    if Role.SUPERVISOR in roles and officer_id is None:
        problems.append(Message("accounts.supervisor-officer", N_("a supervisor must be linked to an officer")))
    if Role.LEADER in roles and formation_id is None:
        problems.append(Message("accounts.leader-formation", N_("a leader must be linked to a formation")))
    if Role.PARTICIPANT in roles and participant_id is None:
        problems.append(Message("accounts.participant-row",
                                N_("an individual participant's account must be linked to a participant")))
    if not full_name or not full_name.strip():
        problems.append(Message("accounts.full-name", N_("a full name is needed")))
    if problems:
        raise InvalidInput(Joined("accounts.refused", problems))
    account = q.add_user(session, login=login, full_name=full_name.strip(),
                         password_hash=generate_password_hash(password, method=hash_method), roles=roles,
                         officer_id=officer_id, formation_id=formation_id, participant_id=participant_id)
    record(session, actor, "create", "user_account", account.id, None, _public(account))
    return account.id


def reset_password(session: Session, actor: Principal, *, login: str, password: str,
                   hash_method: str = PASSWORD_HASH_METHOD) -> None:
    """Store a new password for ``login``, hashed by ``hash_method`` as in ``create_user``."""
    require(actor, Role.ADMIN)
    account = q.user_by_login(session, login)
    if account is None:
        raise NotFound(Message("accounts.no-user", N_("no user %(login)r"), login=login))
    if len(password or "") < MIN_PASSWORD_LENGTH:
        raise InvalidInput(Message("accounts.password-needs-least",
                                   N_("the password needs at least %(MIN_PASSWORD_LENGTH)s characters"),
                                   MIN_PASSWORD_LENGTH=MIN_PASSWORD_LENGTH))
    account.password_hash = generate_password_hash(password, method=hash_method)
    record(session, actor, "reset-password", "user_account", account.id, None, _public(account))


def authenticate(session: Session, *, login: str, password: str, remote_addr: str | None,
                 policy: LoginPolicy = LoginPolicy(), now: datetime | None = None) -> Principal | None:
    """The principal for a correct login and password, None for a wrong one; every attempt whose
    password is checked is recorded, so the caller commits in every case (``TooManyAttempts`` too).

    The rule (numbers from ``policy``, see ``geo.settings.LoginPolicy``):

    - Failures are counted per (login, address) pair: those within ``memory`` and after the pair's
      last success. Past ``free_failures`` of them, the pair waits after its latest failure:
      ``first_delay``, doubled for each further failure, at most ``max_delay`` (1, 2, 4, 8, 15 min
      by default). While it waits, ``TooManyAttempts`` (scope ``"login"``) is raised before the
      password is looked at, and nothing is recorded. Another login from the same address, or the
      same login from another address, is not affected.
    - An address with ``address_max_failures`` failures (any login) within ``address_window`` is
      crowded: a wrong password from it raises ``TooManyAttempts`` (scope ``"address"``, until the
      count falls below the ceiling) instead of answering None, and each pair there waits after
      its first failure. A right password is never refused by the ceiling.
    """
    now = now or _now()
    login = (login or "").strip().lower()
    crowded = bool(remote_addr) and bool(q.crowded_addresses(
        session, since=now - policy.address_window, at_least=policy.address_max_failures, remote_addr=remote_addr))
    for streak in q.failure_streaks(session, since=now - policy.memory, pair=(login, remote_addr)):
        until = _locked_until(policy, streak, crowded)
        if until is not None and now < until:
            raise TooManyAttempts("too many failed logins for this login; try again later", scope="login",
                                  retry_at=until)
    account = q.user_by_login(session, login)
    ok = bool(account and account.active and check_password_hash(account.password_hash, password or ""))
    q.record_attempt(session, login=login, remote_addr=remote_addr, succeeded=ok, at=now)
    if ok:
        return principal_of(session, account.id)
    if crowded:
        # Below the ceiling again once the ceiling-th latest failure leaves the window.
        edge = q.address_failure_at(session, remote_addr=remote_addr, since=now - policy.address_window,
                                    nth_newest=policy.address_max_failures)
        raise TooManyAttempts("too many failed logins from this address; try again later", scope="address",
                              retry_at=(edge or now) + policy.address_window)
    return None


def _locked_until(policy: LoginPolicy, streak, crowded: bool) -> datetime | None:
    """Until when a pair with this failure streak waits (None: it does not)."""
    over = streak.failures - (1 if crowded else policy.free_failures)
    if over < 0:
        return None
    return streak.last_failure + min(policy.first_delay * 2 ** min(over, 32), policy.max_delay)


def principal_of(session: Session, user_id: int) -> Principal:
    """Who a stored user is, with the unit of their officer (supervisors)."""
    account = q.user(session, user_id)
    if account is None or not account.active:
        raise NotFound(Message("accounts.no-such-user", N_("no such user")))
    return Principal(account.id, account.login, frozenset(Role(r) for r in account.roles),
                     officer_id=account.officer_id, unit_id=q.officer_unit(session, account.officer_id),
                     formation_id=account.formation_id, locale=account.locale,
                     participant_id=account.participant_id)


def choose_locale(session: Session, actor: Principal, *, locale: str) -> None:
    """Remember the language ``actor`` chose (one of ``geo.settings.LOCALES``) with their account."""
    if locale not in LOCALES:
        raise InvalidInput(Message("accounts.unknown-language", N_("Unknown language \"%(locale)s\"; choose one of: %(choices)s."),
                                   locale=locale, choices=", ".join(LOCALES)))
    account = q.user(session, actor.user_id) if actor.user_id is not None else None
    if account is None or not account.active:
        raise NotFound(Message("accounts.no-such-user", N_("no such user")))
    account.locale = locale


def list_users(session: Session, actor: Principal, *, policy: LoginPolicy = LoginPolicy(),
               now: datetime | None = None) -> list[dict]:
    """Every user, each with ``locked``: the addresses it may not sign in from now, and until when
    (``authenticate``'s rule)."""
    require(actor, Role.ADMIN)
    now = now or _now()
    crowded = q.crowded_addresses(session, since=now - policy.address_window, at_least=policy.address_max_failures)
    locked: dict[str, list[dict]] = {}
    for streak in q.failure_streaks(session, since=now - policy.memory):
        until = _locked_until(policy, streak, streak.remote_addr in crowded)
        if until is not None and now < until:
            locked.setdefault(streak.login, []).append({"address": streak.remote_addr, "until": until})
    return [{**_public(u), "locked": locked.get(u.login, [])} for u in q.users(session)]


def _public(account) -> dict:
    return {"id": account.id, "login": account.login, "full_name": account.full_name,
            "roles": list(account.roles), "officer_id": account.officer_id,
            "formation_id": account.formation_id, "participant_id": account.participant_id,
            "active": account.active}


def forget_login_attempts(session: Session, policy: LoginPolicy = LoginPolicy(), *,
                          now: datetime | None = None) -> int:
    """Delete the sign-in records no rule of ``policy`` reads any more (older than both its memory
    of a pair's failures and its address window); how many went. Run by ``kuzet db prune``."""
    now = now or _now()
    return q.drop_login_attempts(session, now - max(policy.memory, policy.address_window))
