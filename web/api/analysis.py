"""Hot spot analyses: run one (stored), list, reopen, cells as GeoJSON, CSV export; incidents over time."""
from __future__ import annotations

from flask import Response, jsonify, request, url_for

from geo import services
from geo.errors import InvalidInput
from geo.messages import N_, Message
from geo.services.hotspots import RUN_FIELDS, Parameters, Selection, hotspots, may_read, may_run, reach

from ..auth import current_principal
from ..config import settings, zone_name as _zone
from ..db import get_session
from ..geojson import geojson_response
from ..messages import localised
from ..rules import with_rules_column
from . import bp
from .bodies import arg, json_object, known, parsed_json


@bp.post("/analyses")
def create_analysis():
    """Run and store a hot spot analysis: 201 with the run's summary and its Location; 400 names the problem."""
    may_run(current_principal())
    body = known(json_object(), RUN_FIELDS, required=("method",))
    selection, parameters = Selection.from_json(body, timezone=_zone()), Parameters.from_json(body)
    session = get_session()
    result = hotspots(session, selection, parameters, actor=current_principal(),
                      max_vertices=settings().zone_limits.max_vertices)
    session.commit()
    response = jsonify(result.as_json())
    response.status_code = 201
    response.headers["Location"] = url_for("api.get_analysis", run_id=result.run_id)
    return response


@bp.post("/analyses/reach")
def analysis_reach():
    """Before a run, from the same body: how many cells it would test and whether its permutations can
    reach significance after the false discovery rate; ``warning`` says what to change (null: nothing)."""
    may_run(current_principal())
    body = known(json_object(), RUN_FIELDS, required=("method",))
    selection, parameters = Selection.from_json(body, timezone=_zone()), Parameters.from_json(body)
    found = reach(get_session(), selection, parameters, actor=current_principal(),
                  max_vertices=settings().zone_limits.max_vertices)
    warning = found.warning()
    return jsonify({**found.as_json(), "warning": localised(warning) if warning else None})


@bp.get("/analyses")
def list_analyses():
    """Stored runs, newest first; ``limit`` (default 50) and ``offset``."""
    return jsonify(services.list_runs(get_session(), viewer=current_principal(), limit=arg("limit", "count") or 50,
                                      offset=arg("offset", "count") or 0))


@bp.get("/analyses/<int:run_id>")
def get_analysis(run_id: int):
    """One stored run: parameters, selection and summary (404 if unknown)."""
    return jsonify(services.run_summary(get_session(), run_id, viewer=current_principal()))


@bp.get("/analyses/<int:run_id>/cells")
def analysis_cells(run_id: int):
    """A run's cells as GeoJSON (``application/geo+json``)."""
    return geojson_response(services.run_geojson(get_session(), run_id, viewer=current_principal()))


@bp.get("/analyses/<int:run_id>/cells/<int:cell_id>/series")
def emerging_cell_series(run_id: int, cell_id: int):
    """One cell of an emerging hot spot run: its pattern, trends, and counts and Gi* z per time step (404 if none)."""
    return jsonify(services.emerging_cell_series(get_session(), run_id, cell_id, viewer=current_principal()))


@bp.get("/analyses/<int:run_id>/compare/<int:other_id>")
def compare_analyses(run_id: int, other_id: int):
    """Cells two runs of the same method share, and those whose class changed (400 across methods)."""
    return jsonify(services.compare_runs(get_session(), run_id, other_id, viewer=current_principal()))


@bp.get("/analyses/<int:run_id>/export.csv")
def analysis_csv(run_id: int):
    """A run's cells as CSV, one row per cell with its polygon as WKT."""
    body = with_rules_column(services.run_csv(get_session(), run_id, viewer=current_principal()))
    return Response(body, mimetype="text/csv", headers={
        "Content-Disposition": f"attachment; filename=kuzet-analysis-{run_id}.csv"})


def _numbers(name: str) -> list[int] | None:
    raw = request.args.get(name, "").strip()
    if not raw:
        return None
    try:
        return [int(part) for part in raw.split(",")]
    except ValueError:
        raise InvalidInput(Message("web.analysis.whole-numbers-separated",
                                   N_("%(name)s must be whole numbers separated by commas, got %(raw)r"),
                                   name=name, raw=raw)) from None


def _listed(name: str) -> list[str] | None:
    raw = request.args.get(name, "").strip()
    return [part.strip() for part in raw.split(",") if part.strip()] if raw else None


def _area() -> dict | None:
    given = [kind for kind in ("district", "patrol_zone", "polygon") if request.args.get(kind)]
    if len(given) > 1:
        raise InvalidInput(Message("web.analysis.most-one-district",
                                   N_("give at most one of district, patrol_zone and polygon")))
    if not given:
        return None
    if given[0] == "polygon":
        return {"kind": "polygon", "geometry": parsed_json(request.args["polygon"], "polygon (a GeoJSON Polygon geometry)")}
    return {"kind": given[0], "id": arg(given[0], "int")}


def selection_of_args() -> Selection:
    """The hot spot selection the query string gives (``start``, ``end``, ``weekdays``, ``hour_band``,
    ``category`` repeated, one of ``district``/``patrol_zone``/``polygon``, ``sources``...)."""
    return Selection.from_json({
        "start": request.args.get("start"), "end": request.args.get("end"), "weekdays": _numbers("weekdays"),
        "hour_band": _numbers("hour_band"), "categories": request.args.getlist("category") or None,
        "area": _area(), "sources": _listed("sources"), "exclude_sources": _listed("exclude_sources"),
        "timezone": request.args.get("timezone") or None,
        "deduplicate": request.args.get("deduplicate") in ("1", "true")}, timezone=_zone())


@bp.get("/incidents/series")
def incident_series():
    """Incidents of a selection per day or per hour of the day (``interval=day|hour``), for a time chart."""
    may_read(current_principal())
    selection = selection_of_args()
    series = services.incident_series(get_session(), selection, viewer=current_principal(),
                                      interval=request.args.get("interval", "day"),
                                      max_days=settings().series_max_days,
                                      max_vertices=settings().zone_limits.max_vertices)
    return jsonify(series)
