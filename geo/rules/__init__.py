"""The legal regime as pure functions over plain facts: no database, no geometry.

Spatial and temporal facts (target inside the home area or a jurisdiction, distances in metres,
overlapping bookings) are computed by geo/db queries and handed over in ``AssignmentFacts``.
Each rule returns ``Violation(code, item, message, citation)``s; ``check_assignment`` returns them all.

    >>> from geo.regimes import get_regime
    >>> from geo.rules import check_assignment
    >>> from geo.rules.examples import example_facts
    >>> check_assignment(example_facts(), get_regime())
    []
"""
from __future__ import annotations

from .activity import default_activity, eligible_activities
from .capacity import OfficerCapacity, officer_capacity
from .check import (LABELS, RULES, FormationFit, check_assignment, explain_formation, rank_formations,
                    rule_label)
from .messages import Gettext, plain
from .participants import age_on
from .supervision import covered_by

__all__ = ["LABELS", "RULES", "FormationFit", "Gettext", "OfficerCapacity", "age_on", "check_assignment",
           "covered_by", "default_activity", "eligible_activities", "explain_formation", "officer_capacity", "plain",
           "rank_formations", "rule_label"]
