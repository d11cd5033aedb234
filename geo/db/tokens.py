"""Queries and writes of personal API tokens (looked up by the sha256 of their secret)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import ApiToken


def add_token(session: Session, *, user_id: int, name: str, secret_sha256: str, prefix: str,
              expires_at: datetime | None) -> ApiToken:
    token = ApiToken(user_id=user_id, name=name, secret_sha256=secret_sha256, prefix=prefix, expires_at=expires_at)
    session.add(token)
    session.flush()
    session.refresh(token)
    return token


def tokens_of(session: Session, user_id: int) -> list[ApiToken]:
    """Every token of a user, the newest first (revoked ones too, for the record)."""
    return list(session.scalars(select(ApiToken).where(ApiToken.user_id == user_id)
                                .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())))


def token_by_sha256(session: Session, secret_sha256: str) -> ApiToken | None:
    return session.scalar(select(ApiToken).where(ApiToken.secret_sha256 == secret_sha256))


def revoke(session: Session, *, user_id: int, token_id: int, at: datetime) -> bool:
    """Revoke a live token of the user; False when the user has no such live token."""
    done = session.execute(update(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == user_id,
                                                  ApiToken.revoked_at.is_(None)).values(revoked_at=at))
    return done.rowcount == 1


def mark_used(session: Session, token_id: int, at: datetime) -> None:
    session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=at))
