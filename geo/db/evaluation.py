"""The SQL behind the before/after evaluation of patrolled targets: weekly incident counts per target,
per candidate control and per ring (``sql/evaluation_counts.sql``; the design is written there and in
``geo.analysis.evaluation``). Distances and areas are metres on the spheroid (``geography``)."""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.orm import Session

from .names import language_of

EVALUATION_COUNTS = text((Path(__file__).with_name("sql") / "evaluation_counts.sql").read_text(encoding="utf-8"))


@dataclass(frozen=True)
class UnitWeeks:
    """One target or candidate control in one patrolled target's window: incidents per week, from
    week ``-weeks`` to ``weeks - 1`` of the patrols' start, in its area and in its ring."""

    kind: str
    treated_id: int
    unit_id: int
    is_treated: bool
    sub_kind: str
    name: str
    began: datetime
    window_end: datetime
    area_km2: float
    geometry: str | None  # GeoJSON of the patrolled target (None on a control's row)
    target_weeks: tuple[int, ...]
    ring_weeks: tuple[int, ...]


def weekly_counts(session: Session, *, weeks: int, ring_m: float, place_radius_m: float,
                  kinds: Sequence[str] | None = None, began_from: datetime | None = None,
                  began_to: datetime | None = None, categories: Sequence[str] | None = None,
                  locale=None) -> list[UnitWeeks]:
    """Every patrolled target (of ``kinds``, patrols begun in ``[began_from, began_to)``) with its
    candidate controls, each with weekly counts of incidents (of ``categories``, any case) in its
    area and ring; ordered by target, the patrolled one first."""
    rows = session.execute(EVALUATION_COUNTS, {
        "weeks": int(weeks), "ring_m": float(ring_m), "place_radius_m": float(place_radius_m),
        "kinds": list(kinds) if kinds else None, "began_from": began_from, "began_to": began_to,
        "categories": sorted({c.lower() for c in categories}) if categories else None,
        "lang": language_of(locale)}).mappings()
    return [UnitWeeks(kind=r["kind"], treated_id=r["treated_id"], unit_id=r["unit_id"], is_treated=r["is_treated"],
                      sub_kind=r["sub_kind"], name=r["name"], began=r["began"], window_end=r["w_end"],
                      area_km2=float(r["area_km2"]), geometry=r["geometry"],
                      target_weeks=tuple(int(n) for n in r["target_weeks"]),
                      ring_weeks=tuple(int(n) for n in r["ring_weeks"])) for r in rows]
