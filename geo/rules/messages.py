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

Gettext = Callable[..., str]


def plain(msgid: str, **params: object) -> str:
    """The untranslated message with its parameters filled in, as ``gettext`` would."""
    return msgid % params if params else msgid


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
