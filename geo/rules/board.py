"""What the dispatcher's board flags on a live assignment (D): warnings beside the rules that refuse.

Three conditions, each a design choice citing what it follows from: two assignees on one target at
one time (``board-shared-target``), a formation's shift short of ``regime.min_formation_members``
(``participant-eligible:min-members``), and an officer at ``regime.max_formations_per_officer``
(``no-double-booking:officer``: one formation more would be refused). The facts come from
``geo.db.assignments.board_facts``; nothing here refuses a request, the rules of ``check`` do.
"""
from __future__ import annotations

from ..domain import BoardFacts, Violation
from ..messages import N_
from ..regimes import Regime
from .messages import Gettext, cited, plain

CODE = "board"
LABEL = N_("flagged on the board")


def board_flags(facts: BoardFacts, regime: Regime, *, _: Gettext = plain) -> list[Violation]:
    """The board's flags on one live assignment; empty when nothing needs a second look.

    Parameters
    ----------
    facts : BoardFacts
        Counted by the query layer for a live (proposed or confirmed) assignment.
    regime : Regime
        Reads ``min_formation_members``, ``max_formations_per_officer`` and the citations.
    _ : callable, keyword-only
        The gettext function for the user's language.

    Returns
    -------
    list of Violation
        Codes ``board-shared-target``, ``participant-eligible`` (too few members) and
        ``no-double-booking`` (officer at the limit), in that order.

    Examples
    --------
    >>> from geo.regimes import get_regime
    >>> board_flags(BoardFacts(1, True, members=3), get_regime())
    []
    >>> flags = board_flags(BoardFacts(1, True, members=0, shared_target_ids=(7,), officer_name="Abenov",
    ...                                officer_formations=2), get_regime())
    >>> [(v.code, v.item) for v in flags]
    [('board-shared-target', 'D'), ('participant-eligible', 'D'), ('no-double-booking', '8.1 (D)')]
    """
    found = []
    if facts.shared_target_ids:
        found.append(cited(regime, "board-shared-target", _(
            "Another assignment is on the same target at the same time (assignment %(ids)s).",
            ids=", ".join(map(str, facts.shared_target_ids))), _))
    if facts.is_collective and facts.members < regime.min_formation_members:
        found.append(cited(regime, "participant-eligible:min-members", _(
            "%(count)d member(s) on the shift; the regime asks for at least %(minimum)d.",
            count=facts.members, minimum=regime.min_formation_members), _))
    if facts.officer_name and facts.officer_formations >= regime.max_formations_per_officer:
        found.append(cited(regime, "no-double-booking:officer", _(
            "Officer %(officer)s is at the limit: %(count)d formation(s) at once, at most %(limit)d.",
            officer=facts.officer_name, count=facts.officer_formations,
            limit=regime.max_formations_per_officer), _))
    return found
