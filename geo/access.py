"""Who is asking: the principal every service is handed, and the checks all routes share.

Authorisation lives here and in geo/services, not in views, so the API, pages, exports and any
later tile layer obey one rule. Every service that reads or changes data takes ``viewer=`` (reads)
or ``actor=`` (changes); views pass ``web.auth.current_principal()``, the CLI and notebooks pass
``SYSTEM`` or a principal of their own.

The policy (admins hold every role; a user with several roles gets the union):

    what                                          admin   dispatcher  analyst  supervisor  leader
    overview map; districts, police units         all     all         all      all         all
    target layers (zones, places, events, ...)    all     all         all      all         own targets (1)
    formation layer                               all     all         all      all         own formation
    incidents, incident series, stored runs       yes     yes         yes      yes         403 (2)
    run analyses; the analyst's page              yes     403         yes      403         403
    read assignments                              all     all         all      own unit's  own formation's
      (a participant, an individual participant of item 6, reads and reports as a leader does,
       limited to their own tasks and reports instead of a formation's)
    propose/change/cancel, draw areas, options,   yes     yes         403      403         403
      the dispatcher's page
    confirm/reject; the supervisor's page         yes (3) 403         403      own unit's  403
    formation roster (members)                    all     all         403      403         own formation
    accounts, imports                             yes     403         403      403         403

    (1) the targets of their formation's assignments, whatever the status
    (2) not even aggregated: a formation's leader is a citizen, incidents are police records
    (3) an admin names the officer who signs; a supervisor always signs as their own officer
    "own unit's": the assignment's target lies in the jurisdiction of the supervisor's unit

How a refusal answers: **403 Forbidden** when the role may never do this kind of thing (checked
first, before any id is looked at, so the answer is the same for every id and leaks nothing);
**404 NotFound** when the role may do it but this particular row lies outside the viewer's scope,
worded and answered exactly like an id that does not exist. Which rows are in scope is
``geo.visibility.scope_of``; ``geo.db.scopes`` turns it into SQL so every query filters alike.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from .domain import Role
from .errors import Forbidden
from .messages import N_, Joined, Message


@dataclass(frozen=True)
class Principal:
    """A signed-in user as the services see them."""

    user_id: int | None
    login: str
    roles: frozenset[Role] = field(default_factory=frozenset)
    officer_id: int | None = None
    unit_id: int | None = None
    formation_id: int | None = None
    locale: str | None = None  # the language they chose (geo.settings.LOCALES); None: not chosen
    participant_id: int | None = None  # an individual participant's own row (role participant)

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
    def only_participant(self) -> int | None:
        """The participant an individual-participant-only user is limited to (None: not limited that way)."""
        if self.sees_everything or Role.SUPERVISOR in self.roles:
            return None
        return self.participant_id if Role.PARTICIPANT in self.roles else None

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
        wanted = Joined("access.roles", [role_name(r) for r in roles], ", ")
        raise Forbidden(Message("access.needs-role", N_("this needs the role %(wanted)s"), wanted=wanted))


# The roles as users read them: the msgid is the stored value, so English reads as before.
ROLE_NAMES = {Role.ADMIN: N_("admin"), Role.DISPATCHER: N_("dispatcher"), Role.ANALYST: N_("analyst"),
              Role.SUPERVISOR: N_("supervisor"), Role.LEADER: N_("leader"), Role.PARTICIPANT: N_("participant")}


def role_name(role: Role) -> Message:
    """A role's name, rendered in the reader's language."""
    return Message(f"role.{role.value}", ROLE_NAMES.get(role, role.value))


# Who may do what (admins hold every role); the table in the module docstring, as data.
PLANNERS = (Role.DISPATCHER,)  # propose, change, cancel assignments; draw areas; dispatch options
SIGNERS = (Role.SUPERVISOR,)  # confirm or reject assignments in their unit's jurisdiction
ANALYSTS = (Role.ANALYST,)  # run hot spot analyses; the analyst's page
POLICE_STAFF = (Role.DISPATCHER, Role.ANALYST, Role.SUPERVISOR)  # every layer, incidents, stored runs
ROSTER_READERS = (Role.DISPATCHER, Role.LEADER)  # a leader only their own formation's
REPORTERS = (Role.LEADER, Role.DISPATCHER, Role.PARTICIPANT)  # file field reports
SHIFT_HOLDERS = (Role.LEADER, Role.PARTICIPANT)  # "My shifts": a formation's, or one's own item 6 tasks
PUBLIC_LAYERS = ("district", "police_unit")  # reference geography every signed-in user sees


def may(principal: Principal, roles: tuple[Role, ...]) -> bool:
    """True when the principal holds one of ``roles`` (admins hold every role)."""
    return principal.has(*roles)


def signing_officer(actor: Principal, officer_id: int | None) -> int:
    """The officer who signs off: an admin may name one; a supervisor signs as their own officer.

    Forbidden for anyone else, for a supervisor naming another officer, and for an admin naming none.
    """
    require(actor, *SIGNERS)
    if officer_id is not None and Role.ADMIN in actor.roles:
        return officer_id
    if Role.SUPERVISOR in actor.roles and actor.officer_id is not None:
        if officer_id is not None and officer_id != actor.officer_id:
            raise Forbidden(Message("access.supervisor-signs-off", N_("a supervisor signs off as their own officer")))
        return actor.officer_id
    raise Forbidden(Message("access.name-officer-who", N_("name the officer who signs off")))
