"""Assignments as the API and the dispatcher's map show them: GeoJSON features of their targets.

The ``*_feature`` functions run one dispatch use case (:mod:`.dispatch`) and answer with the
assignment as a feature, so a view makes one call; they never commit. Every read keeps what the
viewer may see (``geo.visibility.scope_of``): one outside it answers NotFound like a missing id.
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

import shapely
from shapely.geometry import mapping
from sqlalchemy.orm import Session

from ...access import PLANNERS, SIGNERS, Principal, require, signing_officer
from ...db import assignment_writes as w
from ...db import assignments as qa
from ...db import dispatch as q
from ...db import scopes
from ...domain import DEFAULT_TIMEZONE, Role
from ...errors import InvalidInput, NotFound
from ...messages import N_, Message
from ...regimes import DEFAULT_REGIME
from ...rules.messages import Gettext, plain
from ...visibility import scope_of
from .assign import (AssignmentRequest, assign_formation, cancel_assignment, confirm_assignment,
                       reject_assignment, update_assignment)

STATUSES = qa.STATUSES
LIVE = q.LIVE


def _iso(moment: datetime | None, tz: ZoneInfo) -> str | None:
    return moment.astimezone(tz).isoformat() if moment is not None else None


def _feature(row, tz: ZoneInfo) -> dict:
    geometry = shapely.from_wkb(bytes(row.geometry)) if row.geometry is not None else None
    return {"type": "Feature", "id": row.id, "geometry": mapping(geometry) if geometry is not None else None,
            "properties": {
                "id": row.id, "formation_id": row.formation_id, "formation": row.formation_name,
                # an item 6 task of one individual participant names them instead of a formation
                "participant_id": row.participant_id, "participant": row.participant_name,
                "target_kind": row.target_kind, "target_id": row.target_id, "target_name": row.target_name,
                "activity": row.activity, "regime": row.regime, "starts_at": _iso(row.starts_at, tz),
                "ends_at": _iso(row.ends_at, tz), "officer_id": row.officer_id, "officer": row.officer_name,
                "status": row.status, "status_reason": row.status_reason,
                "override_officer_id": row.override_officer_id, "override_reason": row.override_reason,
                "members": int(row.members), "created_by": row.created_by,
                "created_at": _iso(row.created_at, tz),
                # the formation leader's acknowledgement (issue 6); None until they acknowledge
                "acknowledged_at": _iso(row.acknowledged_at, tz), "acknowledged_by": row.acknowledged_by}}


def statuses_of(value: str | Sequence[str] | None) -> tuple[str, ...] | None:
    """``"proposed,confirmed"`` (or a sequence) checked against the closed set; None or "" is None."""
    if value is None or value == "":
        return None
    names = [s.strip() for s in value.split(",")] if isinstance(value, str) else list(value)
    unknown = [s for s in names if s not in STATUSES]
    if unknown:
        raise InvalidInput(Message("assignments.unknown-status-statuses",
                                   N_("unknown status %(unknown)s; statuses are: %(STATUSES)s"),
                                   unknown=', '.join(map(repr, unknown)), STATUSES=', '.join(STATUSES)))
    return tuple(dict.fromkeys(names))


def list_assignments(session: Session, *, viewer: Principal, start: datetime | None = None,
                     end: datetime | None = None, statuses: Sequence[str] | None = LIVE,
                     jurisdiction_of: int | None = None, timezone: str = DEFAULT_TIMEZONE,
                     locale: str | None = None) -> dict:
    """A FeatureCollection of the assignments ``viewer`` may see whose shift overlaps ``[start, end)``
    (open ends allowed).

    ``statuses=None`` keeps every status; ``jurisdiction_of`` (an officer id) keeps those whose target
    lies in the jurisdiction of the officer's unit. Times are ISO 8601 in ``timezone``; targets are
    named in ``locale``'s language where they have a name in it.
    """
    if start is not None and end is not None and not start < end:
        raise InvalidInput(Message("assignments.before", N_("from must be before to")))
    unit_id = None
    if jurisdiction_of is not None:
        officer = q.officer(session, jurisdiction_of)
        if officer is None:
            raise NotFound(Message("assignments.no-officer",
                                   N_("no officer %(jurisdiction_of)s"),
                                   jurisdiction_of=jurisdiction_of))
        unit_id = officer.police_unit_id
    rows = qa.assignment_rows(session, ends_after=start, starts_before=end,
                              statuses=None if statuses is None else statuses_of(statuses),
                              jurisdiction_unit_id=unit_id, visible=scopes.assignment_visible(scope_of(viewer)),
                              locale=locale)
    tz = ZoneInfo(timezone)
    return {"type": "FeatureCollection", "features": [_feature(r, tz) for r in rows]}


def assignment_feature(session: Session, assignment_id: int, *, viewer: Principal,
                       timezone: str = DEFAULT_TIMEZONE, locale: str | None = None) -> dict:
    """One assignment as a GeoJSON feature; NotFound when there is none or ``viewer`` may not see it."""
    rows = qa.assignment_rows(session, ids=[assignment_id], visible=scopes.assignment_visible(scope_of(viewer)),
                              locale=locale)
    if not rows:
        raise NotFound(Message("not-found.assignment",
                               N_("no assignment %(assignment_id)s"),
                               assignment_id=assignment_id))
    return _feature(rows[0], ZoneInfo(timezone))


# An Idempotency-Key: printable ASCII, as clients make them (a UUID is 36 characters).
REQUEST_KEY = re.compile(r"[\x21-\x7e]{1,200}")


def propose_feature(session: Session, request: AssignmentRequest, *, actor: Principal, gettext: Gettext = plain,
                    timezone: str = DEFAULT_TIMEZONE, regime_name: str = DEFAULT_REGIME,
                    request_key: str | None = None) -> tuple[dict, bool]:
    """:func:`assign_formation` under ``regime_name``, answered as the stored assignment's feature and
    whether it was stored now. A ``request_key`` the actor already proposed with answers that
    assignment and stores nothing (a double click, a resend after a lost answer)."""
    if request_key is not None:
        if not REQUEST_KEY.fullmatch(request_key):
            raise InvalidInput(Message("assign.request-key", N_(
                "Idempotency-Key must be 1 to 200 printable ASCII characters without spaces")))
        stored = w.assignment_of_request(session, actor.actor, request_key)
        if stored is not None:
            return assignment_feature(session, stored, viewer=actor, timezone=timezone), False
    a = assign_formation(session, request, actor=actor, gettext=gettext, regime_name=regime_name,
                         request_key=request_key)
    return assignment_feature(session, a.id, viewer=actor, timezone=timezone), True


def update_feature(session: Session, assignment_id: int, *, actor: Principal, gettext: Gettext = plain,
                   timezone: str = DEFAULT_TIMEZONE, **changes) -> dict:
    """:func:`update_assignment` (every rule again), answered as the assignment's feature."""
    a = update_assignment(session, assignment_id, actor=actor, gettext=gettext, **changes)
    return assignment_feature(session, a.id, viewer=actor, timezone=timezone)


def confirm_feature(session: Session, assignment_id: int, *, actor: Principal, officer_id: int | None = None,
                    gettext: Gettext = plain, timezone: str = DEFAULT_TIMEZONE) -> dict:
    """:func:`confirm_assignment`, answered as the assignment's feature."""
    a = confirm_assignment(session, assignment_id, actor=actor, officer_id=officer_id, gettext=gettext)
    return assignment_feature(session, a.id, viewer=actor, timezone=timezone)


def reject_feature(session: Session, assignment_id: int, *, actor: Principal, reason: str,
                   officer_id: int | None = None, timezone: str = DEFAULT_TIMEZONE) -> dict:
    """:func:`reject_assignment`, answered as the assignment's feature."""
    a = reject_assignment(session, assignment_id, actor=actor, officer_id=officer_id, reason=reason)
    return assignment_feature(session, a.id, viewer=actor, timezone=timezone)


def cancel_feature(session: Session, assignment_id: int, *, actor: Principal, reason: str,
                   timezone: str = DEFAULT_TIMEZONE) -> dict:
    """:func:`cancel_assignment`, answered as the assignment's feature."""
    a = cancel_assignment(session, assignment_id, actor=actor, reason=reason)
    return assignment_feature(session, a.id, viewer=actor, timezone=timezone)


def _officer(r) -> dict:
    return {"id": r.id, "name": r.name, "rank": r.rank, "active": r.active, "unit_id": r.police_unit_id,
            "unit": r.unit_name}


def list_officers(session: Session, *, viewer: Principal) -> list[dict]:
    """Every officer with their unit, for planners choosing who supervises."""
    require(viewer, *PLANNERS)
    return [_officer(r) for r in qa.officer_rows(session)]


def supervision_page(session: Session, *, viewer: Principal, officer_id: int | None = None) -> dict:
    """Who signs off on the supervisor's page: a supervisor is their own officer (naming another is
    Forbidden); an admin chooses among ``officers``. ``officer`` is None when none is chosen or known."""
    require(viewer, *SIGNERS)
    if Role.ADMIN in viewer.roles:
        officers, chosen = [_officer(r) for r in qa.officer_rows(session)], officer_id
    else:
        officers, chosen = None, signing_officer(viewer, officer_id)
    found = qa.officer_rows(session, ids=[chosen]) if chosen is not None else []
    return {"officers": officers, "chosen": chosen, "officer": _officer(found[0]) if found else None}
