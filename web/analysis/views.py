"""The analyst's page: the form posts to /api/v1/analyses (analysis.js), then opens the stored run here."""
from __future__ import annotations

import json
import math
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from flask import redirect, render_template, request, url_for
from flask_babel import gettext as _

from geo import services
from geo.domain import WEEKDAYS, IncidentSource
from geo.services.hotspots import Reach

from ..auth import current_principal
from ..config import settings
from ..db import get_session
from ..formats import format_number, format_scientific, reader_locale
from ..maps.render import MapOptions, components
from ..messages import localised
from . import bp, charts, render
from .knox import knox_strings

SYNTHETIC = IncidentSource.SYNTHETIC_DEMO.value


def method_names() -> dict[str, str]:
    return {"gi_star": _("Getis-Ord Gi*"), "local_moran": _("Local Moran's I"), "kde": _("Kernel density"),
            "knox": _("Near repeat (Knox)"), "emerging": _("Emerging hot spots")}


def weekday_names() -> list[str]:
    names = [_("Mon"), _("Tue"), _("Wed"), _("Thu"), _("Fri"), _("Sat"), _("Sun")]
    return names[:len(WEEKDAYS)]


def script_strings() -> dict:
    """Strings of analysis.js (placeholders ``%(name)s``, filled with text)."""
    return {"running": _("Running %(method)s on the selection…"), "elapsed": _("%(s)s s"),
            "stored": _("Stored as run %(id)s; opening it…"), "failed": _("Not run: %(error)s"),
            "network": _("The server did not answer: %(error)s"),
            "draw_first": _("Draw a polygon on the map first (the polygon or rectangle tool, top left)."),
            "drawn": _("Polygon drawn: it is the area of the next run."), "methods": method_names()}


def _local_day(value: str | None, zone: str, *, end: bool = False) -> str:
    if not value:
        return ""
    moment = datetime.fromisoformat(value).astimezone(ZoneInfo(zone))
    return (moment - timedelta(microseconds=1) if end else moment).date().isoformat()


def _plain(value) -> str:
    """A number as the form shows it: 250, not 250.0; empty for None."""
    return "" if value in (None, "") else f"{value:g}"


def form_values(page: services.AnalystPage, zone: str) -> dict:
    """The form's values: those of the run shown, else the defaults over every stored incident."""
    first, last = page.choices["first"], page.choices["last"]
    form = {"method": "gi_star", "aggregation": "square", "cell_size_m": 250, "neighbours": "queen",
            "distance_m": "", "weights": "", "permutations": 0, "seed": "", "bandwidth_m": 250,
            "kde_cell_size_m": 25, "kernel": "quartic", "timezone": zone, "weekdays": set(), "categories": set(),
            "hour_from": "", "hour_to": "", "area": "", "polygon": "", "source_filter": "", "deduplicate": False,
            "crs": "", "extent": "", "origin_x": "", "origin_y": "", "weight_field": "", "area_set": "",
            "time_step": "week", "time_window": 1,
            "start": first.astimezone(ZoneInfo(zone)).date().isoformat() if first else "",
            "end": last.astimezone(ZoneInfo(zone)).date().isoformat() if last else ""}
    if page.run is None:
        return form
    s, p = page.run.selection, page.run.parameters
    zone = s.get("timezone") or zone
    form.update({k: p[k] for k in ("aggregation", "neighbours", "distance_m", "weights", "permutations", "seed",
                                   "bandwidth_m", "kernel", "crs", "extent", "weight_field", "area_set",
                                   "time_step", "time_window")
                 if p.get(k) is not None})
    origin = p.get("origin") or ["", ""]
    form["origin_x"], form["origin_y"] = _plain(origin[0]), _plain(origin[1])
    form["method"] = page.run.method
    form["kde_cell_size_m" if page.run.method == "kde" else "cell_size_m"] = _plain(p.get("cell_size_m"))
    form["bandwidth_m"], form["distance_m"] = _plain(form["bandwidth_m"]), _plain(form["distance_m"])
    band = s.get("hour_band") or ["", ""]
    area = s.get("area") or {}
    sources, excluded = s.get("sources") or [], s.get("exclude_sources") or []
    form.update({"timezone": zone, "start": _local_day(s.get("start"), zone),
                 "end": _local_day(s.get("end"), zone, end=True), "weekdays": set(s.get("weekdays") or []),
                 "categories": set(s.get("categories") or []), "hour_from": band[0], "hour_to": band[1],
                 "area": "polygon" if area.get("kind") == "polygon" else
                 (f"{area['kind']}:{area['id']}" if area else ""),
                 "source_filter": f"only:{sources[0]}" if len(sources) == 1 else
                 (f"exclude:{excluded[0]}" if len(excluded) == 1 else ""),
                 "deduplicate": bool(s.get("deduplicate"))})
    return form


@bp.app_template_filter("p_value")
def p_value(value) -> str:
    """A p-value for people: 3 decimals, or scientific notation below 0.001."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if value == 0:  # below the smallest double: the normal tail underflowed
        return "< 1e-300"
    return format_scientific(value, 1) if value < 0.001 else format_number(value, 3)


def selection_args(selection: dict | None) -> dict:
    """A stored run's selection as the query string of ``/api/v1/incidents/export.gpkg``."""
    chosen = selection or {}
    args = {name: chosen[name] for name in ("start", "end", "timezone") if chosen.get(name)}
    for name in ("weekdays", "hour_band", "sources", "exclude_sources"):
        if chosen.get(name):
            args[name] = ",".join(str(v) for v in chosen[name])
    if chosen.get("categories"):
        args["category"] = list(chosen["categories"])
    area = chosen.get("area") or {}
    if area.get("kind") in ("district", "patrol_zone") and area.get("id") is not None:
        args[area["kind"]] = area["id"]
    elif area.get("kind") == "polygon" and area.get("geometry"):
        args["polygon"] = json.dumps(area["geometry"], separators=(",", ":"))
    if chosen.get("deduplicate"):
        args["deduplicate"] = "true"
    return args


@bp.get("/analysis")
def analysis():
    """The analyst's form and map; with ``run=<id>`` the stored run's result, table and time charts."""
    config = settings()
    run_id = request.args.get("run", type=int)
    if run_id is not None and services.run_summary(get_session(), run_id, viewer=current_principal())["method"] == "knox":
        return redirect(url_for("analysis.knox_page", run_id=run_id))  # a Knox run has a table, not cells
    page = services.analyst_page(get_session(), viewer=current_principal(), run_id=run_id,
                                 limit=config.map.feature_limit, locale=reader_locale())
    built = render.build_analysis_map(page, MapOptions.from_settings(config))
    series = page.run.summary.get("series", {}) if page.run is not None else {}
    setup = {"map": built.map.get_name(), "drawn": built.drawn, "result": built.result,
             "api": url_for("api.create_analysis"), "reach": url_for("api.analysis_reach"),
             "page": url_for("analysis.analysis"),
             "strings": script_strings()}
    return render_template(
        "analysis.html", title=_("Hot spot analysis"), parts=components(built.map), page=page, run=page.run,
        form=form_values(page, config.timezone), methods=method_names(), weekdays=weekday_names(),
        day_chart=charts.day_chart(series), hour_chart=charts.hour_chart(series), synthetic=SYNTHETIC,
        setup=setup, selection_args=selection_args(page.run.selection if page.run is not None else None),
        reach_warning=_reach_warning(page.run), knox_strings=knox_strings,
        emerging=render.emerging_setup(page.run) if page.run is not None and page.run.method == "emerging" else None)


def _reach_warning(run) -> str | None:
    """Why a run's permutations could find nothing after the false discovery rate (None: they could)."""
    if run is None or run.method in ("kde", "emerging"):
        return None
    fdr = run.summary.get("fdr", {})
    warning = Reach.of(int(fdr.get("tested", 0)), int((run.parameters or {}).get("permutations") or 0)).warning()
    return localised(warning) if warning else None
