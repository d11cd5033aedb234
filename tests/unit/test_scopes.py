"""A viewer's scope as plain data, and the one clause every access filter is built with."""
from __future__ import annotations

import doctest

import pytest
from sqlalchemy import false, true

import geo.db.scopes
import geo.visibility
from geo.access import Principal
from geo.db.models import Formation
from geo.db.scopes import scope_clause
from geo.domain import Role
from geo.visibility import Scope, audit_scope, scope_of


def unit_clause(unit_id):
    return Formation.notified_unit_id == unit_id


@pytest.mark.parametrize("scope, sql", [
    pytest.param(Scope(everything=True), "true", id="everything-admits-every-row"),
    pytest.param(Scope(), "false", id="a-scope-of-nothing-admits-no-row"),
    pytest.param(Scope(formation_id=3), "formation.id = :id_1", id="a-leader-admits-their-formation"),
    pytest.param(Scope(unit_id=7), "formation.notified_unit_id = :notified_unit_id_1", id="a-supervisor-their-unit"),
    pytest.param(Scope(formation_id=3, unit_id=7),
                 "formation.id = :id_1 OR formation.notified_unit_id = :notified_unit_id_1", id="both-admit-either"),
])
def test_scope_clause_admits_the_scopes_formation_or_unit(scope, sql):
    assert str(scope_clause(scope, formation=Formation.id, unit=unit_clause)) == sql


def test_scope_clause_admits_nothing_through_a_part_the_table_lacks():
    assert str(scope_clause(Scope(unit_id=7), formation=Formation.id)) == str(false())
    assert str(scope_clause(Scope(formation_id=3), unit=unit_clause)) == str(false())
    assert str(scope_clause(Scope(everything=True))) == str(true())


def test_the_audit_log_is_read_whole_by_admins_and_by_unit_by_supervisors():
    both = Principal(8, "berik", frozenset({Role.SUPERVISOR, Role.DISPATCHER, Role.LEADER}), unit_id=2,
                     formation_id=5)
    assert scope_of(both).everything and audit_scope(both) == Scope(unit_id=2)
    assert audit_scope(Principal(1, "root", frozenset({Role.ADMIN}))).everything


@pytest.mark.parametrize("module", [geo.db.scopes, geo.visibility])
def test_docstring_examples_run(module):
    assert doctest.testmod(module, optionflags=doctest.ELLIPSIS).failed == 0
