"""Legal regimes as data: which activities exist, what they may target, and the settings the rules read.

A regime is a module of this package exposing ``REGIME``; it is found by name without edits
elsewhere, so the 2026 rules ("public assistants", Law 245-VIII) arrive as one new module.
The default is Order 641 (``order641.py``); the app chooses one by configuration
(``KUZET_REGIME``, read by ``geo.settings``), by its registered name (``order-641``) or its module
name (``order641``) — :func:`resolve_regime_name`.

Every check cites what stands behind it as a :class:`Citation`: an act of the regime and its
item, marked **T** (the text says so) or **D** (a design choice, a setting of the regime, shown
as "design choice (D)", never as text).
"""
from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta

from ..domain import DEFAULT_TIMEZONE, ParticipationForm
from ..messages import N_

# The regime kuzet runs when the configuration names none (geo.settings reads KUZET_REGIME).
DEFAULT_REGIME = "order-641"

TEXT, DESIGN = "T", "D"


def _plain(msgid: str, **params: object) -> str:
    return msgid % params if params else msgid


@dataclass(frozen=True)
class Act:
    """A legal act a regime cites, with how one cites an item of it (msgids with ``%(item)s``).

    ``short`` is the act's prefix in the compact ``item`` of a violation ("Law 590-II art. 5");
    empty for the act whose items go bare (Order 641's Rules: "8.1").
    """

    code: str
    item_msgid: str
    items_msgid: str
    short: str = ""


@dataclass(frozen=True)
class Citation:
    """What a check enforces: ``act`` and ``item`` (an item, or a range such as "5-8"), and its
    ``basis``: ``"T"`` (the text says so) or ``"D"`` (a design choice; ``act`` and ``item``, when
    given, are the text the choice is made under). ``note`` says, for developers, what the D is.

    Examples
    --------
    >>> law = Act("law", "Law 590-II art. %(item)s", "Law 590-II arts. %(item)s", "Law 590-II art.")
    >>> Citation(law, "5").text(), Citation(law, "5").short
    ('Law 590-II art. 5', 'Law 590-II art. 5')
    >>> Citation(law, "5", DESIGN).text(), Citation(law, "5", DESIGN).short
    ('design choice (D) under Law 590-II art. 5', 'Law 590-II art. 5 (D)')
    >>> Citation(None, basis=DESIGN).text(), Citation(None, basis=DESIGN).short
    ('design choice (D)', 'D')
    """

    act: Act | None
    item: str = ""
    basis: str = TEXT
    note: str = ""

    def __post_init__(self) -> None:
        if self.basis not in (TEXT, DESIGN):
            raise ValueError(f"a citation's basis is T or D, not {self.basis!r}")
        if self.basis == TEXT and (self.act is None or not self.item):
            raise ValueError("a citation of the text (T) names its act and item")
        if (self.act is None) != (not self.item):
            raise ValueError("a citation gives an act and an item together")

    @property
    def is_design(self) -> bool:
        return self.basis == DESIGN

    @property
    def short(self) -> str:
        """The compact form a violation's ``item`` keeps: "8.1", "Law 590-II art. 5", "8.1 (D)", "D"."""
        if self.act is None:
            return DESIGN
        where = f"{self.act.short} {self.item}" if self.act.short else self.item
        return f"{where} (D)" if self.is_design else where

    def text(self, _=_plain) -> str:
        """The citation in words, in the language of the gettext function ``_``."""
        if self.act is None:
            return _("design choice (D)")
        ranged = any(sep in self.item for sep in ("–", "-", ","))
        where = _(self.act.items_msgid if ranged else self.act.item_msgid, item=self.item)
        return _("design choice (D) under %(citation)s", citation=where) if self.is_design else where

    def at(self, item: str) -> Citation:
        """The same citation of another item of its act (an activity's own item)."""
        return Citation(self.act, item, self.basis, self.note) if self.act is not None else self


def as_citation(value: Citation | str) -> Citation:
    """A citation, or the text of a regime that still writes them as strings: "D" is a design
    choice; any other string is kept as it is, as an item of no act (the citation test refuses it)."""
    if isinstance(value, Citation):
        return value
    if value.strip() == DESIGN:
        return Citation(None, basis=DESIGN)
    return Citation(Act("", "%(item)s", "%(item)s"), value)


# msgids of the words above, for extraction (the acts' msgids are their regime's)
N_("design choice (D)"), N_("design choice (D) under %(citation)s")


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

    ``citations`` maps a check (a rule code, or a finer key such as ``participant-eligible:age``)
    to the :class:`Citation` of what it enforces, so a rule never hard-codes an item number.
    ``rules`` lists the rule codes ``check_assignment`` runs, in order. The settings after
    ``min_age_years`` are the regime's design choices (D) and the limits the text sets;
    ``require_certificate`` and ``require_legal_training`` switch those two member checks (off:
    the check does not run).
    """

    name: str
    title: str
    activities: tuple[ActivityType, ...]
    citations: Mapping[str, Citation | str]
    rules: tuple[str, ...]
    min_age_years: int
    max_formations_per_officer: int
    # D: the fewest members a formation's shift should carry; the dispatcher's board flags fewer.
    min_formation_members: int = 1
    home_area_allowance_m: float = 0.0
    notified_unit_min_share: float = 0.5
    override_by_assigned_supervisor_only: bool = True
    legal_training_valid_days: int | None = None
    windowed_target_kinds: frozenset[str] = frozenset({"event"})
    window_lead: timedelta = timedelta(0)
    window_trail: timedelta = timedelta(0)
    timezone: str = DEFAULT_TIMEZONE
    require_certificate: bool = True
    require_legal_training: bool = True
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

    def citation(self, key: str) -> Citation:
        """What a check enforces; falls back to the rule code's own citation, then to a design choice."""
        found = self.citations.get(key) or self.citations.get(key.split(":")[0])
        return as_citation(found) if found else Citation(None, basis=DESIGN)

    def cite(self, key: str) -> str:
        """The compact item a check enforces (``Citation.short``): "7", "Law 590-II art. 5", "D"."""
        return self.citation(key).short


_REGISTRY: dict[str, Regime] = {}
_MODULES: dict[str, str] = {}  # module name -> registered name: "order641" -> "order-641"
_discovered = False


def _discover() -> None:
    """Import every module of this package and register its ``REGIME``."""
    global _discovered
    for info in pkgutil.iter_modules(__path__):
        module = importlib.import_module(f"{__name__}.{info.name}")
        regime = getattr(module, "REGIME", None)
        if isinstance(regime, Regime):
            _REGISTRY.setdefault(regime.name, regime)
            _MODULES.setdefault(info.name, regime.name)
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


def resolve_regime_name(name: str) -> str:
    """The registered name of the regime that configuration calls ``name``: its registered name
    (``order-641``) or the name of its module (``order641``); ValueError lists the known ones.

    Examples
    --------
    >>> resolve_regime_name("order641"), resolve_regime_name("order-641")
    ('order-641', 'order-641')
    """
    if not _discovered:
        _discover()
    chosen = str(name).strip()
    if chosen in _REGISTRY:
        return chosen
    if chosen in _MODULES and _MODULES[chosen] in _REGISTRY:
        return _MODULES[chosen]
    known = sorted(set(_REGISTRY) | {m for m, r in _MODULES.items() if r in _REGISTRY})
    raise ValueError(f"unknown regime {chosen!r}: KUZET_REGIME is one of {', '.join(known)}")
