"""Whether an officer may take one more formation for a shift, and how many more: the officer's half
of ``police-supervision`` (item 8.1: active, on duty for the whole shift) and of ``no-double-booking``
(D: at most ``regime.max_formations_per_officer`` formations at once), for the dispatcher's list of
officers and the shift planner alike. Whether the officer's unit covers the target is the query's
part: both list only officers of the units covering it."""
from __future__ import annotations

from dataclasses import dataclass

from ..domain import OfficerFacts, Period, Violation
from ..regimes import Regime
from . import booking, supervision
from .messages import Gettext, cited, plain


@dataclass(frozen=True)
class OfficerCapacity:
    """``free``: how many more formations the officer may supervise in the shift (0 when none);
    ``reasons``: why they may not supervise, each citing the item it enforces."""

    officer_id: int
    free: int
    reasons: tuple[Violation, ...] = ()

    @property
    def may_supervise(self) -> bool:
        return not self.reasons


def officer_capacity(officer: OfficerFacts, shift: Period, regime: Regime, *, concurrent_formations: int,
                     _: Gettext = plain) -> OfficerCapacity:
    """An officer's free capacity for ``shift``, whether they may supervise, and why not.

    Item 8.1 (T, details D as in ``police_supervision``): the officer is active and their duty
    periods cover the whole shift. D (as in ``no_double_booking``): with the
    ``concurrent_formations`` they already supervise in overlapping shifts, they stay below
    ``regime.max_formations_per_officer``; the load is a reason only for an officer otherwise free.

    Parameters
    ----------
    officer : OfficerFacts
        Reads ``id``, ``active`` and ``duty``.
    shift : Period
        The shift to supervise.
    regime : Regime
        Reads ``max_formations_per_officer`` and the citations.
    concurrent_formations : int, keyword-only
        Formations the officer already supervises in shifts overlapping this one.
    _ : callable, keyword-only
        The gettext function for the user's language.

    Returns
    -------
    OfficerCapacity
        ``free`` is 0 whenever there is a reason.

    Examples
    --------
    >>> from dataclasses import replace
    >>> from geo.regimes import get_regime
    >>> from geo.rules.examples import example_facts
    >>> facts = example_facts()
    >>> officer_capacity(facts.officer, facts.shift, get_regime(), concurrent_formations=1).free
    1
    >>> busy = officer_capacity(facts.officer, facts.shift, get_regime(), concurrent_formations=2)
    >>> [(v.code, v.item, v.message) for v in busy.reasons]
    [('no-double-booking', '8.1 (D)', 'already supervises 2 formation(s) at that time')]
    >>> [v.message for v in officer_capacity(replace(facts.officer, active=False, duty=()), facts.shift,
    ...                                      get_regime(), concurrent_formations=0).reasons]
    ['not active', 'not on duty for the whole shift']
    """
    reasons = []
    if not officer.active:
        reasons.append(cited(regime, f"{supervision.CODE}:active", _("not active"), _))
    if not supervision.covered_by(shift, officer.duty):
        reasons.append(cited(regime, f"{supervision.CODE}:on-duty", _("not on duty for the whole shift"), _))
    free = regime.max_formations_per_officer - concurrent_formations
    if not reasons and free <= 0:
        reasons.append(cited(regime, f"{booking.CODE}:officer", _(
            "already supervises %(n)d formation(s) at that time", n=concurrent_formations), _))
    return OfficerCapacity(officer.id, 0 if reasons else free, tuple(reasons))
