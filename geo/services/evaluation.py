"""Before/after evaluation of every patrolled place: did incidents fall where patrols began, against
comparable unpatrolled places, and did they move into the ring around it?

The design is in ``geo.analysis.evaluation`` (the estimate, the controls, when it says nothing) and
``geo/db/sql/evaluation_counts.sql`` (what is counted where). Computed on request, nothing stored:
the counts are one PostGIS statement and the models are small (a target, ``k`` controls, 2 ×
``weeks`` weeks each). Analysts only, as the analyst's page (``geo.access``).
"""
from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from ..access import ANALYSTS, Principal, require
from ..analysis import evaluation as ev
from ..db import evaluation as q
from ..errors import InvalidInput
from ..messages import N_, Message
from ..rules.messages import Gettext, plain
from ..settings import EvaluationSettings

KINDS = ("patrol_zone", "public_place", "event")

# What each verdict says, for the page, the API and the CSV.
VERDICT_TEXT = {
    ev.FEWER: N_("fewer incidents than the controls predict"),
    ev.MORE: N_("more incidents than the controls predict"),
    ev.UNCLEAR: N_("no clear change"),
    ev.TOO_SMALL: N_("too few incidents to say"),
    ev.TOO_WIDE: N_("interval too wide to say"),
    ev.NO_CONTROLS: N_("no comparable unpatrolled place"),
    ev.NOT_OVER: N_("the weeks after have not ended yet"),
}


def verdict_message(code: str) -> Message:
    return Message(f"evaluation.verdict.{code}", VERDICT_TEXT[code])


@dataclass(frozen=True)
class EvaluationRequest:
    """What to evaluate: ``weeks`` each side of the patrols' start, ``controls`` matched places, the
    ring ``ring_m`` metres wide; optionally only targets of ``kinds``, patrols begun in
    ``[began_from, began_to)``, incidents of ``categories``."""

    weeks: int
    controls: int
    ring_m: float
    kinds: tuple[str, ...] | None = None
    began_from: datetime | None = None
    began_to: datetime | None = None
    categories: tuple[str, ...] | None = None

    @classmethod
    def checked(cls, config: EvaluationSettings, *, weeks: int | None = None, controls: int | None = None,
                ring_m: float | None = None, kinds: Sequence[str] | None = None,
                began_from: datetime | None = None, began_to: datetime | None = None,
                categories: Sequence[str] | None = None) -> "EvaluationRequest":
        """A request with the settings' defaults; InvalidInput naming the first value out of bounds."""
        weeks = config.weeks if weeks is None else weeks
        controls = config.controls if controls is None else controls
        ring_m = config.ring_m if ring_m is None else ring_m
        if not 1 <= weeks <= config.max_weeks:
            raise InvalidInput(Message("evaluation.weeks", N_("weeks must be 1 to %(most)d, got %(value)s"),
                                       most=config.max_weeks, value=weeks))
        if not 1 <= controls <= config.max_controls:
            raise InvalidInput(Message("evaluation.controls", N_("controls must be 1 to %(most)d, got %(value)s"),
                                       most=config.max_controls, value=controls))
        if not 0 < ring_m <= config.max_ring_m:
            raise InvalidInput(Message("evaluation.ring", N_("ring_m must be above 0 and at most %(most)g m, "
                                                             "got %(value)s"), most=config.max_ring_m, value=ring_m))
        unknown = sorted(set(kinds or ()) - set(KINDS))
        if unknown:
            raise InvalidInput(Message("evaluation.kind", N_("kind must be one of %(known)s, got %(value)s"),
                                       known=", ".join(KINDS), value=", ".join(unknown)))
        if began_from and began_to and began_from >= began_to:
            raise InvalidInput(Message("evaluation.period", N_("began_from must come before began_to")))
        return cls(weeks=weeks, controls=controls, ring_m=float(ring_m), kinds=tuple(kinds) if kinds else None,
                   began_from=began_from, began_to=began_to, categories=tuple(categories) if categories else None)


@dataclass(frozen=True)
class PatrolEvaluation:
    """One patrolled target and what its evaluation found."""

    kind: str
    target_id: int
    name: str
    sub_kind: str
    began: datetime
    window_end: datetime
    area_km2: float
    geometry: dict
    control_names: tuple[str, ...]
    result: ev.Evaluation

    @property
    def verdict(self) -> Message:
        return verdict_message(self.result.verdict)

    @property
    def ring_verdict(self) -> Message:
        return verdict_message(self.result.ring_verdict)

    def as_json(self, render=str) -> dict:
        r = self.result
        return {"kind": self.kind, "id": self.target_id, "name": self.name, "place_kind": self.sub_kind,
                "began": self.began.isoformat(), "window_end": self.window_end.isoformat(),
                "area_km2": self.area_km2, "controls": list(r.controls), "control_names": list(self.control_names),
                "before": r.before, "after": r.after, "control_before": r.control_before,
                "control_after": r.control_after, "expected_after": r.expected_after,
                "ring_before": r.ring_before, "ring_after": r.ring_after,
                "control_ring_before": r.control_ring_before, "control_ring_after": r.control_ring_after,
                "effect": r.effect.as_json() if r.effect else None,
                "ring_effect": r.ring_effect.as_json() if r.ring_effect else None, "wdq": r.wdq,
                "verdict": r.verdict, "verdict_text": render(self.verdict),
                "ring_verdict": r.ring_verdict, "ring_verdict_text": render(self.ring_verdict)}


def evaluate_patrols(session: Session, request: EvaluationRequest, *, viewer: Principal,
                     config: EvaluationSettings = EvaluationSettings(), now: datetime | None = None,
                     locale=None) -> list[PatrolEvaluation]:
    """Every patrolled target the request covers, by kind and id, with its before/after evaluation.

    Examples
    --------
    >>> found = evaluate_patrols(session, EvaluationRequest.checked(EvaluationSettings()), viewer=analyst)  # doctest: +SKIP
    >>> found[0].result.effect.ratio, found[0].result.verdict  # doctest: +SKIP
    (0.52, 'fewer')
    """
    require(viewer, *ANALYSTS)
    now = now or datetime.now(timezone.utc)
    rows = q.weekly_counts(session, weeks=request.weeks, ring_m=request.ring_m, place_radius_m=config.place_radius_m,
                           kinds=request.kinds, began_from=request.began_from, began_to=request.began_to,
                           categories=request.categories, locale=locale)
    rules = ev.Rules(min_count=config.min_count, max_interval_ratio=config.max_interval_ratio)
    groups: dict[tuple[str, int], list[q.UnitWeeks]] = {}
    for row in rows:
        groups.setdefault((row.kind, row.treated_id), []).append(row)
    found = []
    for units in groups.values():
        target = next(u for u in units if u.is_treated)
        others = {u.unit_id: u for u in units if not u.is_treated}
        result = ev.evaluate((target.target_weeks, target.ring_weeks),
                             {i: (u.target_weeks, u.ring_weeks) for i, u in others.items()},
                             k=request.controls, rules=rules, over=target.window_end <= now)
        found.append(PatrolEvaluation(kind=target.kind, target_id=target.unit_id, name=target.name,
                                      sub_kind=target.sub_kind, began=target.began, window_end=target.window_end,
                                      area_km2=target.area_km2, geometry=json.loads(target.geometry),
                                      control_names=tuple(others[c].name for c in result.controls), result=result))
    return found


def _number(value: float | None, digits: int = 3) -> str:
    return "" if value is None else f"{value:.{digits}f}"


def _cell(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@") else text  # not a spreadsheet formula


CSV_HEADER = ["kind", "id", "name", "place_kind", "began", "window_end", "weeks", "before", "after",
              "control_before", "control_after", "expected_after", "rate_ratio", "ratio_low_95", "ratio_high_95",
              "verdict", "ring_before", "ring_after", "control_ring_before", "control_ring_after",
              "ring_rate_ratio", "ring_low_95", "ring_high_95", "ring_verdict", "wdq", "controls", "note"]


def evaluations_csv(found: Sequence[PatrolEvaluation], *, weeks: int, gettext: Gettext = plain) -> str:
    """The evaluations as CSV, header first, one row per patrolled target (no geometry: ``kind`` and
    ``id`` join it to the layer's export; the GeoJSON download carries the shapes)."""
    note = gettext("Incidents are recorded incidents; an estimate compares the place with matched "
                   "unpatrolled places and is not proof that the patrols caused the change.")
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for f in found:
        r, e, g = f.result, f.result.effect, f.result.ring_effect
        writer.writerow([f.kind, f.target_id, _cell(f.name), f.sub_kind, f.began.isoformat(), f.window_end.isoformat(),
                         weeks, r.before, r.after, r.control_before, r.control_after, _number(r.expected_after, 1),
                         _number(e and e.ratio), _number(e and e.low), _number(e and e.high),
                         gettext(VERDICT_TEXT[r.verdict]), r.ring_before, r.ring_after, r.control_ring_before,
                         r.control_ring_after, _number(g and g.ratio), _number(g and g.low), _number(g and g.high),
                         gettext(VERDICT_TEXT[r.ring_verdict]), _number(r.wdq),
                         " ".join(str(c) for c in r.controls), note])
    return out.getvalue()


def evaluations_geojson(found: Sequence[PatrolEvaluation], *, render=str) -> dict:
    """The evaluations as a GeoJSON FeatureCollection (EPSG:4326), one feature per patrolled target."""
    return {"type": "FeatureCollection",
            "features": [{"type": "Feature", "id": f"{f.kind}.{f.target_id}", "geometry": f.geometry,
                          "properties": f.as_json(render)} for f in found]}
