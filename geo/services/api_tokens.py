"""Personal API tokens: a user makes and revokes their own; a token acts as its user, never more.

The secret is shown once, at creation; only its sha256 is stored (a 256-bit random secret needs no
slow hash: guessing one is hopeless, and a lookup by hash stays a single index probe). A token carries
no roles of its own: each request is answered as its user is now (``accounts.principal_of``), so a
role taken away or an account disabled takes effect on the token at once.
"""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ..access import Principal
from ..db import accounts as accounts_q
from ..db import tokens as q
from ..errors import InvalidInput, KuzetError, NotFound
from . import accounts
from ..messages import N_, Message

PREFIX = "kzt_"
NAME_MAX = 100
# Writing last_used_at on every request would make each GET a write; once a minute is precise enough.
TOUCH_EVERY_S = 60


class TokenRefused(KuzetError):
    """The token is unknown, revoked or expired (answered 401)."""

    code = "token-refused"


@dataclass(frozen=True)
class NewToken:
    """A token just made: ``secret`` is the only time the secret is seen."""

    id: int
    name: str
    secret: str
    expires_at: datetime | None


def _now() -> datetime:
    return datetime.now(timezone.utc)


def secret_sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def create_token(session: Session, actor: Principal, *, name: str, expires_at: datetime | None = None,
                 now: datetime | None = None) -> NewToken:
    """A new token of ``actor`` called ``name``, valid until ``expires_at`` (None: until revoked)."""
    if actor.user_id is None:
        raise InvalidInput(Message("api_tokens.only-user-account", N_("only a user account can hold API tokens")))
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX:
        raise InvalidInput(Message("api_tokens.token-needs-name",
                                   N_("a token needs a name of 1 to %(NAME_MAX)s characters"),
                                   NAME_MAX=NAME_MAX))
    if expires_at is not None:
        if expires_at.tzinfo is None:
            raise InvalidInput(Message("api_tokens.expiry-needs-time", N_("the expiry needs a time zone")))
        if expires_at <= (now or _now()):
            raise InvalidInput(Message("api_tokens.expiry-lie-future", N_("the expiry must lie in the future")))
    secret = PREFIX + secrets.token_urlsafe(32)
    row = q.add_token(session, user_id=actor.user_id, name=name, secret_sha256=secret_sha256(secret),
                      prefix=secret[:len(PREFIX) + 6], expires_at=expires_at)
    return NewToken(row.id, row.name, secret, row.expires_at)


def list_tokens(session: Session, actor: Principal, *, now: datetime | None = None) -> list[dict]:
    """``actor``'s tokens (never their secrets), each with its state: live, revoked or expired."""
    now = now or _now()
    return [{"id": t.id, "name": t.name, "prefix": t.prefix, "created_at": t.created_at,
             "last_used_at": t.last_used_at, "expires_at": t.expires_at, "revoked_at": t.revoked_at,
             "state": ("revoked" if t.revoked_at is not None
                       else "expired" if t.expires_at is not None and t.expires_at <= now else "live")}
            for t in q.tokens_of(session, actor.user_id)] if actor.user_id is not None else []


def revoke_token(session: Session, actor: Principal, token_id: int, *, now: datetime | None = None) -> None:
    """Revoke one of ``actor``'s live tokens; NotFound for another user's, or one already revoked."""
    if actor.user_id is None or not q.revoke(session, user_id=actor.user_id, token_id=token_id, at=now or _now()):
        raise NotFound(Message("api_tokens.no-live-token", N_("no live token %(token_id)s"), token_id=token_id))


def principal_for_token(session: Session, secret: str, *, now: datetime | None = None) -> Principal:
    """The user a token acts as; TokenRefused when it is unknown, revoked, expired or its user is disabled."""
    now = now or _now()
    token = q.token_by_sha256(session, secret_sha256(secret)) if secret.startswith(PREFIX) else None
    if token is None:
        raise TokenRefused(Message("token.unknown", N_("unknown API token")))
    if token.revoked_at is not None:
        raise TokenRefused(Message("token.revoked", N_("this API token was revoked")))
    if token.expires_at is not None and token.expires_at <= now:
        raise TokenRefused(Message("token.expired", N_("this API token has expired")))
    try:
        principal = accounts.principal_of(session, token.user_id)
    except NotFound:
        raise TokenRefused(Message("token.account-disabled",
                                   N_("the account of this API token is disabled"))) from None
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= TOUCH_EVERY_S:
        q.mark_used(session, token.id, now)
    return principal


def holder(session: Session, login: str) -> Principal:
    """The active user ``login`` (for the command line, which makes and revokes tokens for a user)."""
    account = accounts_q.user_by_login(session, login.strip().lower())
    if account is None or not account.active:
        raise NotFound(Message("api_tokens.no-active-user", N_("no active user %(login)r"), login=login))
    return accounts.principal_of(session, account.id)
