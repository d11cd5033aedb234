"""A viewer's scope (:class:`geo.visibility.Scope`) as SQL: the rows of assignments, targets and
formations a query keeps, so every read filters by the same rule.

A target lies in a unit's jurisdiction when the unit's jurisdiction covers the target's point on
surface, as :func:`geo.db.dispatch.units_covering` decides whose target it is.
"""
from __future__ import annotations

from sqlalchemy import ColumnElement, exists, false, func, or_, select, true

from ..visibility import Scope
from .dispatch import TARGET_MODELS
from .models import Assignment, Formation, PoliceUnit


def assignment_in_unit(unit_id: int) -> ColumnElement[bool]:
    """The assignment's target lies in the jurisdiction of police unit ``unit_id``."""
    jurisdiction = select(PoliceUnit.jurisdiction).where(PoliceUnit.id == unit_id).scalar_subquery()
    covered = []
    for kind, model in TARGET_MODELS.items():
        ref = getattr(Assignment, f"{kind}_id")
        # Correlated to the assignment only: the target's table may also be joined outside.
        covered.append(exists(select(model.id).where(
            model.id == ref, func.ST_Covers(jurisdiction, func.ST_PointOnSurface(model.geom))))
            .correlate(Assignment))
    return or_(*covered)


def assignment_visible(scope: Scope) -> ColumnElement[bool]:
    """The assignments ``scope`` admits: its formation's, and those in its unit's jurisdiction."""
    if scope.everything:
        return true()
    allowed = []
    if scope.formation_id is not None:
        allowed.append(Assignment.formation_id == scope.formation_id)
    if scope.unit_id is not None:
        allowed.append(assignment_in_unit(scope.unit_id))
    return or_(*allowed) if allowed else false()


def target_visible(kind: str, scope: Scope) -> ColumnElement[bool]:
    """Rows of the target layer ``kind`` that some assignment admitted by ``scope`` points at."""
    if scope.everything:
        return true()
    ref = getattr(Assignment, f"{kind}_id")
    return TARGET_MODELS[kind].id.in_(select(ref).where(ref.is_not(None), assignment_visible(scope)))


def formation_visible(scope: Scope) -> ColumnElement[bool]:
    """Formations ``scope`` admits: everything, or its own formation only."""
    if scope.everything:
        return true()
    return Formation.id == scope.formation_id if scope.formation_id is not None else false()


def layer_visible(table: str, scope: Scope) -> ColumnElement[bool]:
    """Rows of the catalogue layer ``table`` that ``scope`` admits (none of any other layer)."""
    if scope.everything:
        return true()
    if table == "formation":
        return formation_visible(scope)
    if table in TARGET_MODELS:
        return target_visible(table, scope)
    return false()
