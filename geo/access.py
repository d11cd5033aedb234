"""Who is asking: the principal every service is handed, and the checks all routes share.

Authorisation lives here and in geo/services, not in views, so the API, pages, exports and any
later tile layer obey one rule. A thing a user may not see is reported as NotFound, never as
someone else's data.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .domain import Role
from .errors import Forbidden


@dataclass(frozen=True)
class Principal:
    """A signed-in user as the services see them."""

    user_id: int | None
    login: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    officer_id: int | None = None
    unit_id: int | None = None
    formation_id: int | None = None

    def has(self, *roles: Role) -> bool:
        return bool(self.roles & set(roles)) or Role.ADMIN in self.roles

    @property
    def actor(self) -> str:
        """How the audit log names them."""
        return self.login

    @property
    def sees_everything(self) -> bool:
        """Admins and dispatchers plan across units; analysts read everything but change nothing."""
        return self.has(Role.DISPATCHER, Role.ANALYST)

    @property
    def only_formation(self) -> int | None:
        """The one formation a leader-only user is limited to (None: not limited that way)."""
        if self.sees_everything or Role.SUPERVISOR in self.roles:
            return None
        return self.formation_id if Role.LEADER in self.roles else None

    @property
    def only_unit(self) -> int | None:
        """The unit a supervisor-only user is limited to (None: not limited that way)."""
        if self.sees_everything:
            return None
        return self.unit_id if Role.SUPERVISOR in self.roles else None


SYSTEM = Principal(None, "system", frozenset({Role.ADMIN}))


def require(principal: Principal, *roles: Role) -> None:
    """Forbidden unless the principal holds one of ``roles`` (admins hold every role)."""
    if not principal.has(*roles):
        wanted = ", ".join(r.value for r in roles)
        raise Forbidden(f"this needs the role {wanted}")
