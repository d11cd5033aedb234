"""Queries and writes of accounts, login attempts and server-side sessions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, delete, func, insert, or_, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session

from .models import LoginAttempt, Officer, UserAccount, WebSession


def user_by_login(session: Session, login: str) -> UserAccount | None:
    return session.scalar(select(UserAccount).where(UserAccount.login == login))


def user(session: Session, user_id: int) -> UserAccount | None:
    return session.get(UserAccount, user_id)


def officer_unit(session: Session, officer_id: int | None) -> int | None:
    if officer_id is None:
        return None
    return session.scalar(select(Officer.police_unit_id).where(Officer.id == officer_id))


def users(session: Session) -> list[UserAccount]:
    return list(session.scalars(select(UserAccount).order_by(UserAccount.login)))


def add_user(session: Session, **values) -> UserAccount:
    account = UserAccount(**values)
    session.add(account)
    session.flush()
    return account


def failure_streaks(session: Session, *, since: datetime, pair: tuple[str, str | None] | None = None) -> list:
    """Per (login, address), or for one ``pair``: failures since ``since`` and since that pair's last
    success, and the latest of them (rows of ``login, remote_addr, failures, last_failure``)."""
    a = LoginAttempt
    who = [] if pair is None else [a.login == pair[0], a.remote_addr.is_not_distinct_from(pair[1])]
    last_ok = (select(a.login, a.remote_addr, func.max(a.at).label("at"))
               .where(a.succeeded.is_(True), a.at >= since, *who).group_by(a.login, a.remote_addr).subquery())
    same_pair = and_(last_ok.c.login == a.login, last_ok.c.remote_addr.is_not_distinct_from(a.remote_addr))
    query = (select(a.login, a.remote_addr, func.count().label("failures"), func.max(a.at).label("last_failure"))
             .outerjoin(last_ok, same_pair)
             .where(a.succeeded.is_(False), a.at >= since, or_(last_ok.c.at.is_(None), a.at > last_ok.c.at), *who)
             .group_by(a.login, a.remote_addr).order_by(a.login, a.remote_addr))
    return list(session.execute(query))


def crowded_addresses(session: Session, *, since: datetime, at_least: int, remote_addr: str | None = None) -> set[str]:
    """Addresses (or just ``remote_addr``) with at least ``at_least`` failed logins since ``since``."""
    query = (select(LoginAttempt.remote_addr)
             .where(LoginAttempt.remote_addr.is_not(None), LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
             .group_by(LoginAttempt.remote_addr).having(func.count() >= at_least))
    if remote_addr is not None:
        query = query.where(LoginAttempt.remote_addr == remote_addr)
    return set(session.scalars(query))


def address_failure_at(session: Session, *, remote_addr: str, since: datetime, nth_newest: int) -> datetime | None:
    """When the ``nth_newest`` (1 = the latest) failed login from this address since ``since`` was."""
    return session.scalar(select(LoginAttempt.at).where(
        LoginAttempt.remote_addr == remote_addr, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)
        .order_by(LoginAttempt.at.desc()).offset(nth_newest - 1).limit(1))


def record_attempt(session: Session, *, login: str, remote_addr: str | None, succeeded: bool, at: datetime) -> None:
    session.execute(insert(LoginAttempt).values(login=login, remote_addr=remote_addr, succeeded=succeeded, at=at))


def load_session(session: Session, sid: str, now: datetime) -> WebSession | None:
    return session.scalar(select(WebSession).where(WebSession.id == sid, WebSession.expires_at > now))


def save_session(session: Session, sid: str, data: dict, user_id: int | None, expires_at: datetime) -> None:
    stmt = pg_insert(WebSession).values(id=sid, data=data, user_id=user_id, expires_at=expires_at)
    session.execute(stmt.on_conflict_do_update(index_elements=[WebSession.id],
                                               set_={"data": data, "user_id": user_id, "expires_at": expires_at}))


def drop_session(session: Session, sid: str) -> None:
    session.execute(delete(WebSession).where(WebSession.id == sid))


def drop_expired_sessions(session: Session, now: datetime) -> int:
    return session.execute(delete(WebSession).where(WebSession.expires_at <= now)).rowcount


def drop_login_attempts(session: Session, before: datetime) -> int:
    """Delete the sign-in records older than ``before``; how many went."""
    return session.execute(delete(LoginAttempt).where(LoginAttempt.at < before)).rowcount
