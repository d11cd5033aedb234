"""Reading assignments back: each with its target's name and geometry, formation or individual
participant, officer and members."""
from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, and_, case, func, literal, or_, select
from sqlalchemy.dialects.postgresql import aggregate_order_by
from sqlalchemy.orm import aliased
from sqlalchemy.orm import Session

from .dispatch import TARGET_MODELS
from .names import localised_name
from .models import Assignment, AssignmentHistory, AssignmentMember, Formation, Officer, Participant, PoliceUnit, UserAccount

STATUSES = ("proposed", "confirmed", "rejected", "cancelled")


def _target_columns(locale: str | None = None):
    """target kind, id, name (in ``locale``'s language where it has one) and geometry of an
    assignment: the one target column that is set."""
    refs = {kind: getattr(Assignment, f"{kind}_id") for kind in TARGET_MODELS}
    kind = case(*[(ref.is_not(None), literal(name)) for name, ref in refs.items()])
    target_id = func.coalesce(*refs.values())
    name = func.coalesce(*[localised_name(model, locale) for model in TARGET_MODELS.values()])
    geom = func.coalesce(*[model.geom for model in TARGET_MODELS.values()])
    return kind.label("target_kind"), target_id.label("target_id"), name.label("target_name"), geom


def _members_count():
    return (select(func.count()).where(AssignmentMember.assignment_id == Assignment.id)
            .correlate(Assignment).scalar_subquery())


def assignment_rows(session: Session, *, ids: Sequence[int] | None = None, starts_before: datetime | None = None,
                    ends_after: datetime | None = None, statuses: Sequence[str] | None = None,
                    jurisdiction_unit_id: int | None = None, visible=None, locale: str | None = None) -> list[Row]:
    """Assignments with their target, formation (or individual participant) and officer names and
    member count, by shift start.

    ``ends_after``/``starts_before`` keep shifts overlapping that window (either end may be open);
    ``jurisdiction_unit_id`` keeps those whose target's point on surface lies in the unit's
    jurisdiction (how ``units_covering`` decides whose target it is); ``visible`` (a clause of
    ``geo.db.scopes``) keeps those a viewer may see; targets are named in ``locale``'s language.
    """
    kind, target_id, name, geom = _target_columns(locale)
    stmt = (select(Assignment.id, Assignment.formation_id, Formation.name.label("formation_name"),
                   Assignment.participant_id, Participant.full_name.label("participant_name"), kind,
                   target_id, name, Assignment.activity, Assignment.regime,
                   func.lower(Assignment.shift).label("starts_at"), func.upper(Assignment.shift).label("ends_at"),
                   Assignment.officer_id, Officer.name.label("officer_name"), Assignment.status,
                   Assignment.status_reason, Assignment.override_officer_id, Assignment.override_reason,
                   Assignment.created_by, Assignment.created_at, _members_count().label("members"),
                   func.ST_AsBinary(geom).label("geometry"), Assignment.acknowledged_at,
                   UserAccount.full_name.label("acknowledged_by"))
            .outerjoin(Formation, Formation.id == Assignment.formation_id)
            .outerjoin(Participant, Participant.id == Assignment.participant_id)
            .outerjoin(Officer, Officer.id == Assignment.officer_id)
            .outerjoin(UserAccount, UserAccount.id == Assignment.acknowledged_by))
    for kind_name, model in TARGET_MODELS.items():
        stmt = stmt.outerjoin(model, model.id == getattr(Assignment, f"{kind_name}_id"))
    where = [] if visible is None else [visible]
    if ids is not None:
        where.append(Assignment.id.in_(list(ids)))
    if ends_after is not None:
        where.append(func.upper(Assignment.shift) > ends_after)
    if starts_before is not None:
        where.append(func.lower(Assignment.shift) < starts_before)
    if statuses is not None:
        where.append(Assignment.status.in_(list(statuses)))
    if jurisdiction_unit_id is not None:
        jurisdiction = (select(PoliceUnit.jurisdiction).where(PoliceUnit.id == jurisdiction_unit_id)
                        .scalar_subquery())
        where.append(func.ST_Covers(jurisdiction, func.ST_PointOnSurface(geom)))
    stmt = stmt.where(and_(True, *where)).order_by(Assignment.shift, Assignment.id)
    return list(session.execute(stmt))


def officer_rows(session: Session, *, ids: Sequence[int] | None = None) -> list[Row]:
    """Every officer (or those of ``ids``) with their unit's name, by unit then name."""
    stmt = (select(Officer.id, Officer.name, Officer.rank, Officer.active, Officer.police_unit_id,
                   PoliceUnit.name.label("unit_name"))
            .join(PoliceUnit, PoliceUnit.id == Officer.police_unit_id)
            .order_by(PoliceUnit.name, Officer.name))
    if ids is not None:
        stmt = stmt.where(Officer.id.in_(list(ids)))
    return list(session.execute(stmt))


def board_facts(session: Session, ids: Sequence[int]) -> list[Row]:
    """Per live assignment of ``ids``: ``shared_target_ids`` (other live assignments of another
    assignee on the same target in an overlapping shift), ``members`` and ``officer_formations``
    (distinct formations its officer supervises in live shifts overlapping it, itself included)."""
    if not ids:
        return []
    other = aliased(Assignment)
    same_target = or_(*[and_(getattr(Assignment, f"{kind}_id").is_not(None),
                             getattr(other, f"{kind}_id") == getattr(Assignment, f"{kind}_id"))
                        for kind in TARGET_MODELS])
    live = ("proposed", "confirmed")
    shared = (select(func.array_agg(aggregate_order_by(other.id, other.id)))
              .where(other.id != Assignment.id, other.status.in_(live), other.shift.op("&&")(Assignment.shift),
                     same_target, or_(other.formation_id.is_distinct_from(Assignment.formation_id),
                                      other.participant_id.is_distinct_from(Assignment.participant_id)))
              .correlate(Assignment).scalar_subquery())
    load = (select(func.count(func.distinct(other.formation_id)))
            .where(other.officer_id == Assignment.officer_id, other.status.in_(live),
                   other.shift.op("&&")(Assignment.shift))
            .correlate(Assignment).scalar_subquery())
    stmt = (select(Assignment.id, Assignment.formation_id, shared.label("shared_target_ids"),
                   _members_count().label("members"), Officer.name.label("officer_name"),
                   case((Assignment.officer_id.is_(None), 0), else_=load).label("officer_formations"))
            .outerjoin(Officer, Officer.id == Assignment.officer_id)
            .where(Assignment.id.in_(list(ids)), Assignment.status.in_(live))
            .order_by(Assignment.id))
    return list(session.execute(stmt))


def last_action(session: Session, actor: str, *, within_s: float) -> Row | None:
    """The latest assignment history row ``actor`` wrote, if written less than ``within_s``
    seconds ago (by the database's clock): id, assignment_id, action, before, after."""
    stmt = (select(AssignmentHistory.id, AssignmentHistory.assignment_id, AssignmentHistory.action,
                   AssignmentHistory.before, AssignmentHistory.after,
                   (AssignmentHistory.at > func.now() - func.make_interval(0, 0, 0, 0, 0, 0, within_s))
                   .label("fresh"))
            .where(AssignmentHistory.actor == actor)
            .order_by(AssignmentHistory.id.desc()).limit(1))
    row = session.execute(stmt).first()
    return row if row is not None and row.fresh else None
