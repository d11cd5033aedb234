"""Legal regimes as data: which activities exist, what they may target, and the settings the rules read.

A regime is a module of this package exposing ``REGIME``; it is found by name without edits
elsewhere, so the 2026 rules ("public assistants", Law 245-VIII) arrive as one new module.
The default is Order 641 (``order641.py``).
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ..domain import DEFAULT_TIMEZONE, ParticipationForm

DEFAULT_REGIME = "order-641"


@dataclass(frozen=True)
class ActivityType:
    """One type of assistance of the closed list, with the item it comes from.

    ``form`` is INDIVIDUAL for item-6-like types (open to lone participants and to formations)
    and COLLECTIVE for item-8-like types (formations only). ``place_kinds`` narrows which public
    places fit; None accepts every kind.
    """

    code: str
    item: str
    title: str
    form: ParticipationForm
    target_kinds: frozenset[str]
    needs_supervisor: bool = False
    place_kinds: frozenset[str] | None = None
    # The officer services (geo.domain.OfficerService) a supervising officer must belong to; None: any.
    supervising_services: frozenset[str] | None = None

    def fits(self, target_kind: str, place_kind: str | None = None) -> bool:
        """True when this activity may be aimed at a target of that kind (and place kind)."""
        if target_kind not in self.target_kinds:
            return False
        if target_kind == "public_place" and self.place_kinds is not None:
            return place_kind in self.place_kinds
        return True


@dataclass(frozen=True)
class ReportType:
    """A type of assistance a field report may fall under (item 6.1, 6.6, ...), with its item."""

    code: str
    item: str
    title: str


@dataclass(frozen=True)
class Regime:
    """The rules in force: a closed activity list, the items rules cite, and the settings they read.

    ``citations`` maps a check (a rule code, or a finer key such as ``participant-age``) to the
    item or article it enforces, so a rule never hard-codes an item number. ``rules`` lists the
    rule codes ``check_assignment`` runs, in order.
    """

    name: str
    title: str
    activities: tuple[ActivityType, ...]
    citations: Mapping[str, str]
    rules: tuple[str, ...]
    min_age_years: int
    max_formations_per_officer: int
    home_area_allowance_m: float = 0.0
    override_by_assigned_supervisor_only: bool = True
    legal_training_valid_days: int | None = None
    windowed_target_kinds: frozenset[str] = frozenset({"event"})
    window_lead: timedelta = timedelta(0)
    window_trail: timedelta = timedelta(0)
    timezone: str = DEFAULT_TIMEZONE
    # The types a field report may carry (none: reports carry no type).
    report_types: tuple[ReportType, ...] = ()
    # The recorded forms (geo.domain.RecordedForm) that may be given a task on their own.
    individual_forms: frozenset[str] = frozenset({"individual", "both"})

    def activity(self, code: str) -> ActivityType | None:
        """The activity type with that code, or None when it is not on the list."""
        return next((a for a in self.activities if a.code == code), None)

    def report_type(self, code: str) -> ReportType | None:
        """The report type with that code, or None when the regime has none such.

        Examples
        --------
        >>> get_regime().report_type("6.6").item, get_regime().report_type("8.1")
        ('6.6', None)
        """
        return next((t for t in self.report_types if t.code == code), None)

    def codes(self) -> tuple[str, ...]:
        """Every activity code of the closed list, in order."""
        return tuple(a.code for a in self.activities)

    def cite(self, key: str) -> str:
        """The item a check enforces; falls back to the rule code's own citation."""
        return self.citations.get(key) or self.citations.get(key.split(":")[0], "D")


_REGISTRY: dict[str, Regime] = {}
_discovered = False


def _discover() -> None:
    """Import every module of this package and register its ``REGIME``."""
    global _discovered
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        regime = getattr(module, "REGIME", None)
        if isinstance(regime, Regime):
            _REGISTRY.setdefault(regime.name, regime)
    _discovered = True


def register_regime(regime: Regime, *, replace: bool = False) -> Regime:
    """Make ``regime`` available by name; a regime module of this package needs no call."""
    if not _discovered:
        _discover()
    if regime.name in _REGISTRY and not replace:
        raise ValueError(f"a regime called {regime.name!r} is already registered")
    _REGISTRY[regime.name] = regime
    return regime


def unregister_regime(name: str) -> None:
    """Forget a regime registered at run time (tests)."""
    _REGISTRY.pop(name, None)


def regime_names() -> tuple[str, ...]:
    """The names of every known regime."""
    if not _discovered:
        _discover()
    return tuple(sorted(_REGISTRY))


def get_regime(name: str = DEFAULT_REGIME) -> Regime:
    """The regime called ``name`` (default Order 641); KeyError names the known ones.

    Examples
    --------
    >>> get_regime().activity("8.1").item
    '8.1'
    """
    if not _discovered:
        _discover()
    try:
        return _REGISTRY[name]
    except KeyError:
        raise KeyError(f"no regime {name!r}; known regimes: {', '.join(sorted(_REGISTRY))}") from None
