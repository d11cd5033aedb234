"""Maps of field reports, built from folium objects: their own layer (not incidents), popups that say
a report is information for the police, and a map to place a new report on.

The lists' map draws the reports from the field-report vector tiles (counted cells below the points
zoom, points from it), filtered as the page's list is; its HTML holds the tile URL, never the reports.
folium's popups and tooltips write property values into ``innerHTML``, so every string is escaped here.
"""
from __future__ import annotations

from datetime import datetime, timezone

import folium
import geopandas as gpd
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from markupsafe import escape

from ..geojson import feature_collection
from ..maps.cards import fit, new_map
from ..maps.looks import LOOKS, Look
from ..maps.render import MapOptions
from ..maps.tiles import tile_overlay

REPORT_COLOUR = "#6a1b9a"
REPORT_PANE = "kuzet-reports"
REPORTS = Look(_l("Field reports (not registered crimes)"), REPORT_COLOUR,
               (("category", _l("Category")), ("observed_at", _l("Observed")), ("reported_at", _l("Reported")),
                ("formation", _l("Formation"))),
               fill_opacity=0.85, weight=2, radius=7, fill_colour="#ce93d8")
# What a click shows, read from the reports API (``/api/v1/reports/<id>``).
DETAIL = (("id", _l("Report")), ("category_label", _l("Category")), ("observed_at", _l("Observed")),
          ("reported_at", _l("Reported")), ("formation", _l("Formation")), ("description", _l("Description")),
          ("note", _l("Note")))


def _districts(m: folium.Map, districts: gpd.GeoDataFrame, *, fit_them: bool = True) -> None:
    """District outlines: where a report may be placed; not clickable, so a click reaches the map."""
    if districts.empty:
        return
    look = LOOKS["district"]
    folium.GeoJson(feature_collection(districts[["id", "name", districts.geometry.name]]),
                   name=str(escape(look.title)), interactive=False,
                   style_function=lambda _f: {"color": look.colour, "weight": 1.5, "opacity": 0.7,
                                              "fillColor": look.colour, "fillOpacity": 0.04}).add_to(m)
    if fit_them:
        fit(m, tuple(districts.total_bounds), max_zoom=15)


def _text(value) -> str:
    return str(escape("" if value is None else str(value)))


def report_features(reports: list[dict]) -> dict:
    """Reports as a FeatureCollection of points with escaped popup fields."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r["id"], "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
         "properties": {"id": r["id"], "category": _text(r["category_label"]),
                        "observed": _text(r["observed_at"][:16].replace("T", " ")),
                        "formation": _text(r["formation"] or r.get("participant") or "—"), "description": _text(r["description"]),
                        "note": _text(r["note"])}}
        for r in reports]}


def since_query(since: datetime | None) -> dict:
    """The tile URL's filter for a list reported from ``since`` on (UTC, to the minute the page took)."""
    if since is None:
        return {}
    return {"since": since.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}


def reports_map(bounds: tuple[float, float, float, float] | None, districts: gpd.GeoDataFrame,
                options: MapOptions, *, points_zoom: int, categories: dict[str, str],
                since: datetime | None = None) -> folium.Map:
    """Districts and the reports from their tiles (those reported from ``since`` on), opening on
    ``bounds`` (every report the list's filter admits); tooltips from the tiles, a click's detail
    from the reports API with a link to the report's page."""
    m = new_map(options)
    _districts(m, districts, fit_them=bounds is None)
    labels = {"count": _("Reports"), "zoom": _("Zoom in (or click) to see each report"), "note": _("Note")}
    extra = {"values": {"category": categories}, "times": ["observed_at", "reported_at"],
             "timezone": options.timezone,
             "link": {"href": url_for("reports.report", report_id=0).removesuffix("0"), "label": _("Open the report")}}
    # Above the overlay pane (the districts), as SVG: only a drawn report takes a click or a hover.
    folium.map.CustomPane(REPORT_PANE, z_index=450, pointer_events=False).add_to(m)
    tile_overlay(m, "field_report", REPORTS, str(REPORTS.title), detail_fields=DETAIL, points_zoom=points_zoom,
                 labels=labels, query=since_query(since), detail=url_for("api.get_report", report_id=0).removesuffix("0"),
                 extra=extra, svg=True, pane=REPORT_PANE)
    if bounds is not None:
        fit(m, bounds)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    return m


def placing_map(districts: gpd.GeoDataFrame, options: MapOptions) -> folium.Map:
    """The map a report is placed on by a click (report.js hooks the click)."""
    m = new_map(options)
    _districts(m, districts)
    return m


def point_map(report: dict, options: MapOptions) -> folium.Map:
    """A still map of one report's place."""
    m = new_map(options, height="220px", still=True)
    folium.GeoJson(report_features([report]), marker=folium.CircleMarker(radius=8),
                   style_function=lambda _f: {"color": REPORT_COLOUR, "fill": True, "fillColor": "#ce93d8",
                                             "fillOpacity": 0.9},
                   tooltip=folium.GeoJsonTooltip(fields=["note"], labels=False)).add_to(m)
    fit(m, (report["lon"], report["lat"], report["lon"], report["lat"]))
    return m
