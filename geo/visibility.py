"""What part of the records a principal may see, as plain data the query layer can filter by.

One rule for every use case built on it (reports, my shifts, the quarterly summary): admins,
dispatchers and analysts see everything; a leader sees their own formation; a supervisor sees what
lies in their unit's jurisdiction. A user holding both of the last two roles sees both. The audit
log is narrower (:func:`audit_scope`): admins read all of it, a supervisor their unit's part.
Rows outside the scope are simply absent, so asking for one by id answers NotFound.
"""
from __future__ import annotations

from dataclasses import dataclass

from .access import Principal
from .domain import Role


@dataclass(frozen=True)
class Scope:
    """``everything``, or the rows of ``formation_id``, of the individual participant ``participant_id``
    and/or within the jurisdiction of ``unit_id``."""

    everything: bool = False
    formation_id: int | None = None
    unit_id: int | None = None
    participant_id: int | None = None

    @property
    def nothing(self) -> bool:
        """True when the scope admits no row at all."""
        return (not self.everything and self.formation_id is None and self.unit_id is None
                and self.participant_id is None)


def scope_of(viewer: Principal) -> Scope:
    """The scope of ``viewer``.

    Examples
    --------
    >>> scope_of(Principal(7, "samal", frozenset({Role.LEADER}), formation_id=3))
    Scope(everything=False, formation_id=3, unit_id=None, participant_id=None)
    >>> scope_of(Principal(9, "ainur", frozenset({Role.PARTICIPANT}), participant_id=40))
    Scope(everything=False, formation_id=None, unit_id=None, participant_id=40)
    """
    if viewer.sees_everything:
        return Scope(everything=True)
    return Scope(formation_id=viewer.formation_id if Role.LEADER in viewer.roles else None,
                 unit_id=viewer.unit_id if Role.SUPERVISOR in viewer.roles else None,
                 participant_id=viewer.participant_id if Role.PARTICIPANT in viewer.roles else None)


def audit_scope(viewer: Principal) -> Scope:
    """The part of the audit log ``viewer`` reads: admins every entry, a supervisor the entries about
    their unit's jurisdiction (accounts and other units' work stay out of sight).

    Examples
    --------
    >>> audit_scope(Principal(8, "berik", frozenset({Role.SUPERVISOR, Role.DISPATCHER}), unit_id=2))
    Scope(everything=False, formation_id=None, unit_id=2, participant_id=None)
    """
    return Scope(everything=Role.ADMIN in viewer.roles, unit_id=viewer.unit_id)
