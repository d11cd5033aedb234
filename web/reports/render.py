"""Maps of field reports, built from folium objects: their own layer (not incidents), popups that say
a report is information for the police, and a map to place a new report on.

folium's popups and tooltips write property values into ``innerHTML``, so every string is escaped here.
"""
from __future__ import annotations

import folium
import geopandas as gpd
from flask_babel import gettext as _
from markupsafe import escape

from ..geojson import feature_collection
from ..maps.cards import fit, new_map
from ..maps.looks import LOOKS
from ..maps.render import MapOptions

REPORT_COLOUR = "#6a1b9a"


def _districts(m: folium.Map, districts: gpd.GeoDataFrame) -> None:
    """District outlines: where a report may be placed; not clickable, so a click reaches the map."""
    if districts.empty:
        return
    look = LOOKS["district"]
    folium.GeoJson(feature_collection(districts[["id", "name", districts.geometry.name]]),
                   name=str(escape(look.title)), interactive=False,
                   style_function=lambda _f: {"color": look.colour, "weight": 1.5, "opacity": 0.7,
                                              "fillColor": look.colour, "fillOpacity": 0.04}).add_to(m)
    fit(m, tuple(districts.total_bounds), max_zoom=15)


def _text(value) -> str:
    return str(escape("" if value is None else str(value)))


def report_features(reports: list[dict]) -> dict:
    """Reports as a FeatureCollection of points with escaped popup fields."""
    return {"type": "FeatureCollection", "features": [
        {"type": "Feature", "id": r["id"], "geometry": {"type": "Point", "coordinates": [r["lon"], r["lat"]]},
         "properties": {"id": r["id"], "category": _text(r["category_label"]),
                        "observed": _text(r["observed_at"][:16].replace("T", " ")),
                        "formation": _text(r["formation"] or "—"), "description": _text(r["description"]),
                        "note": _text(r["note"])}}
        for r in reports]}


def reports_map(reports: list[dict], districts: gpd.GeoDataFrame, options: MapOptions) -> folium.Map:
    """Districts and the reports as their own layer, each with a popup."""
    m = new_map(options)
    _districts(m, districts)
    fields = ["id", "category", "observed", "formation", "description", "note"]
    aliases = [_("Report"), _("Category"), _("Observed"), _("Formation"), _("Description"), _("Note")]
    layer = folium.GeoJson(
        report_features(reports), name=str(escape(_("Field reports (not registered crimes)"))),
        marker=folium.CircleMarker(radius=7),
        style_function=lambda _f: {"color": REPORT_COLOUR, "weight": 2, "fill": True, "fillColor": "#ce93d8",
                                    "fillOpacity": 0.85},
        popup=folium.GeoJsonPopup(fields=fields, aliases=[str(escape(a)) for a in aliases], max_width=320),
        zoom_on_click=False)
    if reports:
        layer.add_to(m)
        lons, lats = [r["lon"] for r in reports], [r["lat"] for r in reports]
        fit(m, (min(lons), min(lats), max(lons), max(lats)))
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
