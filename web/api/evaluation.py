"""Before/after evaluation of patrolled places: JSON, CSV and GeoJSON of the same computation."""
from __future__ import annotations

import math
from datetime import datetime, time

from flask import Response, jsonify, request
from flask_babel import gettext as _

from geo import services
from geo.access import ANALYSTS, require
from geo.errors import InvalidInput
from geo.messages import N_, Message

from ..auth import current_principal
from ..config import settings
from ..db import get_session
from ..formats import reader_locale
from ..geojson import geojson_response
from ..messages import localised
from ..rules import rules_about, with_rules_column
from . import bp
from .bodies import arg, local_zone


def _metres(name: str) -> float | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise InvalidInput(Message("web.evaluation.metres", N_("%(name)s must be a number of metres, got %(raw)r"),
                                   name=name, raw=raw[:40]))
    return value


def _day_start(name: str) -> datetime | None:
    day = arg(name, "date")
    return None if day is None else datetime.combine(day, time(), local_zone())


def evaluation_request() -> services.EvaluationRequest:
    """The request the query string gives: ``weeks``, ``controls``, ``ring_m``, ``kind`` (repeated or
    comma-separated), ``began_from``/``began_to`` (local days, the second excluded), ``category`` repeated."""
    require(current_principal(), *ANALYSTS)  # 403 before any value is read
    kinds = [k.strip() for raw in request.args.getlist("kind") for k in raw.split(",") if k.strip()]
    return services.EvaluationRequest.checked(
        settings().evaluation, weeks=arg("weeks", "count"), controls=arg("controls", "count"),
        ring_m=_metres("ring_m"), kinds=kinds or None, began_from=_day_start("began_from"),
        began_to=_day_start("began_to"), categories=request.args.getlist("category") or None)


def evaluations_of(wanted: services.EvaluationRequest) -> list[services.PatrolEvaluation]:
    return services.evaluate_patrols(get_session(), wanted, viewer=current_principal(), config=settings().evaluation,
                                     locale=reader_locale())


@bp.get("/evaluations")
def list_evaluations():
    """Every patrolled target's before/after evaluation against matched unpatrolled places (JSON)."""
    wanted = evaluation_request()
    found = evaluations_of(wanted)
    return jsonify({"weeks": wanted.weeks, "controls": wanted.controls, "ring_m": wanted.ring_m,
                    "evaluations": [f.as_json(localised) for f in found]})


@bp.get("/evaluations.csv")
def evaluations_csv():
    """The evaluations as CSV, one row per patrolled target."""
    wanted = evaluation_request()
    body = with_rules_column(services.evaluations_csv(evaluations_of(wanted), weeks=wanted.weeks, gettext=_))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": "attachment; filename=kuzet-evaluations.csv"})


@bp.get("/evaluations.geojson")
def evaluations_geojson():
    """The evaluations as a GeoJSON download, one feature per patrolled target (EPSG:4326)."""
    wanted = evaluation_request()
    collection = services.evaluations_geojson(evaluations_of(wanted), render=localised)
    collection.update({"weeks": wanted.weeks, "controls": wanted.controls, "ring_m": wanted.ring_m, **rules_about()})
    response = geojson_response(collection)
    response.headers["Content-Disposition"] = "attachment; filename=kuzet-evaluations.geojson"
    return response
