"""Queries and writes of accounts, login attempts and server-side sessions."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, func, insert, or_, select
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


def failures_since(session: Session, *, login: str, remote_addr: str | None, since: datetime) -> int:
    """Failed logins for this login, or from this address, since ``since``."""
    who = LoginAttempt.login == login
    if remote_addr:
        who = or_(who, LoginAttempt.remote_addr == remote_addr)
    return int(session.scalar(select(func.count()).select_from(LoginAttempt)
                              .where(who, LoginAttempt.succeeded.is_(False), LoginAttempt.at >= since)) or 0)


def record_attempt(session: Session, *, login: str, remote_addr: str | None, succeeded: bool) -> None:
    session.execute(insert(LoginAttempt).values(login=login, remote_addr=remote_addr, succeeded=succeeded))


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
