"""How rules word their messages: a gettext hook, labels of target kinds, local times.

``geo`` never imports Flask, so rules take the translation function as a keyword argument:
the web layer passes ``flask_babel.gettext`` (same signature: ``gettext(msgid, **params)``);
everything else gets :func:`plain`, which only fills in the parameters. Messages are written as
``_("... %(name)s ...", name=...)`` so ``pybabel extract`` finds them.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from zoneinfo import ZoneInfo

from ..domain import Violation
from ..regimes import Regime

Gettext = Callable[..., str]


def plain(msgid: str, **params: object) -> str:
    """The untranslated message with its parameters filled in, as ``gettext`` would."""
    return msgid % params if params else msgid


def cited(regime: Regime, key: str, message: str, _: Gettext = plain, *, item: str | None = None) -> Violation:
    """A violation of the rule ``key`` names (``code`` or ``code:detail``), citing what the regime says
    it enforces — at ``item`` (an activity's own item) when given — in the language of ``_``.

    Examples
    --------
    >>> from geo.regimes import get_regime
    >>> v = cited(get_regime(), "police-supervision:on-duty", "not on duty", item="6.2")
    >>> v.code, v.item, v.citation
    ('police-supervision', '6.2 (D)', 'design choice (D) under Order 641, Rules item 6.2')
    """
    citation = regime.citation(key)
    if item is not None:
        citation = citation.at(item)
    return Violation(key.split(":")[0], citation.short, message, citation.text(_))


def target_label(kind: str, _: Gettext = plain) -> str:
    """A target kind as users say it."""
    labels = {
        "patrol_zone": _("patrol zone"),
        "public_place": _("public place"),
        "event": _("event"),
        "pasture": _("pasture"),
        "crop_field": _("crop field"),
        "campus": _("educational institution"),
        "emergency_area": _("emergency area"),
        "incident": _("incident"),
    }
    return labels.get(str(kind), str(kind))


def base_label(base_type: str | None, _: Gettext = plain) -> str:
    """What a formation's base is the place of (Order 641 item 7)."""
    labels = {"residence": _("place of residence"), "work": _("place of work"), "study": _("place of study"),
              "property": _("where its property is")}
    return labels.get(str(base_type), str(base_type or "—"))
def service_label(service: str | None, _: Gettext = plain) -> str:
    """An officer's service (``geo.domain.OfficerService``) as users say it."""
    labels = {
        "local-inspector": _("local police inspectors"),
        "juvenile": _("juvenile affairs unit"),
        "patrol": _("patrol police"),
        "criminal": _("criminal police"),
        "traffic": _("road police"),
        "duty": _("duty unit"),
    }
    return labels.get(str(service), str(service)) if service else _("none recorded")


def target_labels(kinds: Iterable[str], _: Gettext = plain) -> str:
    """Several target kinds, sorted, joined by commas."""
    return ", ".join(sorted(target_label(k, _) for k in kinds))


def local_time(moment: datetime, timezone: str) -> str:
    """A moment as ``YYYY-MM-DD HH:MM`` in the area's zone."""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M")
