"""A viewer's scope (:class:`geo.visibility.Scope`) as SQL: the rows of assignments, targets,
formations, field reports and audit entries a query keeps, so every read filters by the same rule.

Every filter is :func:`scope_clause` told what "the scope's formation" and "the scope's unit" mean
for its table. A target lies in a unit's jurisdiction when the unit's jurisdiction covers the
target's point on surface, as :func:`geo.db.dispatch.units_covering` decides whose target it is.
"""
from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import ColumnElement, and_, exists, false, func, or_, select, true

from ..visibility import Scope
from .dispatch import TARGET_MODELS
from .models import Assignment, AuditLog, FieldReport, Formation, PoliceUnit

# The kinds of audit entry a unit's scope reads: those about its assignments and field reports.
UNIT_AUDIT_ENTITIES = ("assignment", "field_report")


def scope_clause(scope: Scope, *, formation: ColumnElement | None = None,
                 unit: Callable[[int], ColumnElement[bool]] | None = None,
                 participant: ColumnElement | None = None) -> ColumnElement[bool]:
    """The rows ``scope`` admits: every row, or those whose ``formation`` column is the scope's
    formation, those whose ``participant`` column is the scope's individual participant and those
    ``unit(unit_id)`` places with the scope's unit (any suffices). A table without one of them
    (``None``) admits nothing through it; a scope of none, nothing at all.

    Examples
    --------
    >>> str(scope_clause(Scope(formation_id=3), formation=Formation.id))
    'formation.id = :id_1'
    >>> str(scope_clause(Scope(unit_id=7), formation=Formation.id))
    'false'
    >>> str(scope_clause(Scope(participant_id=4), formation=Assignment.formation_id,
    ...                  participant=Assignment.participant_id))
    'assignment.participant_id = :participant_id_1'
    """
    if scope.everything:
        return true()
    allowed = []
    if scope.formation_id is not None and formation is not None:
        allowed.append(formation == scope.formation_id)
    if scope.participant_id is not None and participant is not None:
        allowed.append(participant == scope.participant_id)
    if scope.unit_id is not None and unit is not None:
        allowed.append(unit(scope.unit_id))
    return or_(*allowed) if allowed else false()


def _jurisdiction(unit_id: int):
    return select(PoliceUnit.jurisdiction).where(PoliceUnit.id == unit_id).scalar_subquery()


def in_jurisdiction(unit_id: int, geom) -> ColumnElement[bool]:
    """``geom`` lies in the jurisdiction of the police unit ``unit_id``."""
    return func.coalesce(func.ST_Covers(_jurisdiction(unit_id), geom), false())


def assignment_in_unit(unit_id: int) -> ColumnElement[bool]:
    """The assignment's target lies in the jurisdiction of police unit ``unit_id``."""
    covered = []
    for kind, model in TARGET_MODELS.items():
        ref = getattr(Assignment, f"{kind}_id")
        # Correlated to the assignment only: the target's table may also be joined outside.
        covered.append(exists(select(model.id).where(
            model.id == ref, in_jurisdiction(unit_id, func.ST_PointOnSurface(model.geom))))
            .correlate(Assignment))
    return or_(*covered)


def assignment_visible(scope: Scope) -> ColumnElement[bool]:
    """The assignments ``scope`` admits: its formation's, its individual participant's own, and those
    in its unit's jurisdiction."""
    return scope_clause(scope, formation=Assignment.formation_id, unit=assignment_in_unit,
                        participant=Assignment.participant_id)


def target_visible(kind: str, scope: Scope) -> ColumnElement[bool]:
    """Rows of the target layer ``kind`` that some assignment admitted by ``scope`` points at."""
    if scope.everything:
        return true()
    ref = getattr(Assignment, f"{kind}_id")
    return TARGET_MODELS[kind].id.in_(select(ref).where(ref.is_not(None), assignment_visible(scope)))


def formation_visible(scope: Scope) -> ColumnElement[bool]:
    """Formations ``scope`` admits: everything, or its own formation only."""
    return scope_clause(scope, formation=Formation.id)


def notified_formation_visible(scope: Scope) -> ColumnElement[bool]:
    """Formations whose activity ``scope`` may count: a leader's own, those notified to a supervisor's
    unit (item 7)."""
    return scope_clause(scope, formation=Formation.id, unit=lambda unit_id: Formation.notified_unit_id == unit_id)


def layer_visible(table: str, scope: Scope) -> ColumnElement[bool]:
    """Rows of the catalogue layer ``table`` that ``scope`` admits (none of any other layer)."""
    if scope.everything:
        return true()
    if table == "formation":
        return formation_visible(scope)
    if table in TARGET_MODELS:
        return target_visible(table, scope)
    return false()


def report_visible(scope: Scope) -> ColumnElement[bool]:
    """The field reports ``scope`` admits: its formation's, its individual participant's own, and those
    in its unit's jurisdiction."""
    return scope_clause(scope, formation=FieldReport.formation_id,
                        unit=lambda unit_id: in_jurisdiction(unit_id, FieldReport.geom),
                        participant=FieldReport.participant_id)


def audit_in_unit(unit_id: int) -> ColumnElement[bool]:
    """Entries about assignments and field reports in the unit's jurisdiction."""
    assignments = select(Assignment.id).where(assignment_in_unit(unit_id))
    reports = select(FieldReport.id).where(in_jurisdiction(unit_id, FieldReport.geom))
    return or_(and_(AuditLog.entity == "assignment", AuditLog.entity_id.in_(assignments)),
               and_(AuditLog.entity == "field_report", AuditLog.entity_id.in_(reports)))


def audit_visible(scope: Scope) -> ColumnElement[bool]:
    """The audit entries ``scope`` admits: every entry, or those about its unit's jurisdiction."""
    return scope_clause(scope, unit=audit_in_unit)
