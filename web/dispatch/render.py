"""The dispatcher's map, built from folium objects: targets to click, the day's assignments, drawing tools.

The target layers come from their vector tiles (``/tiles/<kind>/...``), so the page does not grow
with them; dispatch.js knows each tile layer's kind by its folium name and selects the clicked
feature's id. Emergency areas of the day and the day's assignments are bounded by the day and stay
embedded (each emergency feature carries ``target_kind`` and ``target_id``).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import folium
import geopandas as gpd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from folium.plugins import Draw
from markupsafe import escape

from flask import url_for

from geo.layers import LAYERS, Field, LayerSpec
from geo.services import DispatchDay
from geo.services.dispatch.day import TARGET_LAYERS

from ..maps import frames
from ..maps.legend import Legend, LegendEntry
from ..maps.looks import LOOKS, Look
from ..maps.render import MapOptions, base_map, district_outlines, overlay
from ..maps.tiles import tile_overlay

EMERGENCY_SPEC = LayerSpec("emergency_area", "Emergency areas", "Polygon",
                           (Field("name"), Field("note"), Field("starts_at", "datetime"),
                            Field("ends_at", "datetime")))
EMERGENCY = Look(_l("Emergency areas"), "#b71c1c",
                 (("name", _l("Name")), ("note", _l("Note")), ("starts_at", _l("Since")), ("ends_at", _l("Until"))),
                 fill_opacity=0.25, dash="5 3")
STREETS = Look(_l("Streets"), LOOKS["public_place"].colour, LOOKS["public_place"].tooltip, weight=3)
PLACES = Look(_l("Public places (not streets)"), LOOKS["public_place"].colour, LOOKS["public_place"].tooltip,
              fill_opacity=0.3, radius=4)

TARGET_PANE = "kuzetTargets"

# Path options of an assignment by status; dispatch.js styles the features it adds with the same.
ASSIGNMENT_STYLES = {
    "proposed": {"color": "#e65100", "weight": 4, "opacity": 1.0, "fillColor": "#ffb74d", "fillOpacity": 0.45,
                 "dashArray": "6 4"},
    "confirmed": {"color": "#1b5e20", "weight": 4, "opacity": 1.0, "fillColor": "#66bb6a", "fillOpacity": 0.5},
}


@dataclass
class DispatchMap:
    """The folium map and the JS names of its parts that dispatch.js needs."""

    map: folium.Map
    assignments: str
    targets: list[str] = field(default_factory=list)
    # [folium name, target kind, URL of its items (an id appended)] of each tile layer of targets
    tile_targets: list[list[str]] = field(default_factory=list)
    # the folium name of the streets' tile layer (off by default), so a click can leave hidden streets out
    streets: str | None = None


def _targets(m: folium.Map, frame: gpd.GeoDataFrame, kind: str, spec: LayerSpec, look: Look, *,
             options: MapOptions, show: bool = True) -> folium.GeoJson | None:
    prepared = frames.prepare(frame, spec, look, timezone=options.timezone)
    prepared["target_kind"] = kind
    prepared["target_id"] = frame["id"].astype(int).to_numpy() if len(frame) else []
    return overlay(m, prepared, look, str(look.title), show=show)


def _assignments(m: folium.Map, collection: dict) -> folium.GeoJson:
    proposed = ASSIGNMENT_STYLES["proposed"]
    return folium.GeoJson(
        collection, name=str(escape(_("Assignments of the day"))),
        style_function=lambda f: ASSIGNMENT_STYLES.get(f["properties"]["status"], proposed),
        marker=folium.CircleMarker(radius=8), zoom_on_click=False,
    ).add_to(m)


def _tile_targets(m: folium.Map, *, points_zoom: int) -> list[list[str]]:
    """Every target layer from its vector tiles (public places and streets as two layers, streets
    off by default); a click is dispatch.js's, not a popup."""
    labels = {"count": _("Features"), "zoom": _("Zoom in"), "note": _("Note")}
    # Above the overlay pane (its canvas takes every click over it); only drawn shapes take clicks.
    folium.map.CustomPane(TARGET_PANE, z_index=450, pointer_events=False).add_to(m)
    drawn = []
    for kind in TARGET_LAYERS:
        look = LOOKS[kind]
        parts = [(look, None, True, True)]
        if kind == "public_place":
            parts = [(PLACES, ("kind", "street", False), True, True), (STREETS, ("kind", "street", True), False, False)]
        for part_look, keep, filled, show in parts:
            grid = tile_overlay(m, kind, part_look, str(part_look.title), detail_fields=part_look.tooltip,
                                points_zoom=points_zoom, labels=labels, show=show, filled=filled, keep=keep,
                                popup=False, svg=True, pane=TARGET_PANE)
            drawn.append([grid.get_name(), kind, url_for("api.layer_items", layer=kind) + "/",
                          "streets" if part_look is STREETS else ""])
    return drawn


def _legend_entries() -> list[LegendEntry]:
    """What the dispatcher's map draws: each kind of target, emergency areas, and the day's assignments
    by status (styled as ASSIGNMENT_STYLES, which dispatch.js uses too)."""
    entries = []
    for kind in TARGET_LAYERS:
        looks = (PLACES, STREETS) if kind == "public_place" else (LOOKS[kind],)
        entries += [LegendEntry(str(look.title), look.colour, look.fill_colour or look.colour,
                                point=LAYERS[kind].geometry == "Point", detail="") for look in looks]
    entries.append(LegendEntry(str(EMERGENCY.title), EMERGENCY.colour, EMERGENCY.fill_colour or EMERGENCY.colour,
                               point=False, detail=""))
    for status, label in (("proposed", _("assignment, proposed")), ("confirmed", _("assignment, confirmed"))):
        style = ASSIGNMENT_STYLES[status]
        entries.append(LegendEntry(label, style["color"], style["fillColor"], point=False, detail=""))
    return entries


def build_dispatch_map(data: DispatchDay, options: MapOptions, *, points_zoom: int | None = None) -> DispatchMap:
    """Targets (streets as a layer off by default), emergency areas, the day's assignments and Draw.

    With ``points_zoom`` (the tiles' zoom of points) the targets come from their vector tiles, not
    from ``data.targets``."""
    m = base_map(options)
    district_outlines(m, data.districts)
    layers = []
    tile_targets = _tile_targets(m, points_zoom=points_zoom) if points_zoom is not None else []
    for kind, frame in data.targets.items():
        spec, look = LAYERS[kind], LOOKS[kind]
        if kind == "public_place":
            streets = frame["kind"] == "street"
            layers.append(_targets(m, frame[~streets], kind, spec, PLACES, options=options))
            layers.append(_targets(m, frame[streets], kind, spec, STREETS, options=options, show=False))
        else:
            layers.append(_targets(m, frame, kind, spec, look, options=options))
    layers.append(_targets(m, data.emergency_areas, "emergency_area", EMERGENCY_SPEC, EMERGENCY, options=options))
    assignments = _assignments(m, data.assignments)
    Draw(position="topleft", show_geometry_on_click=False,
         draw_options={"polyline": False, "circle": False, "marker": False, "circlemarker": False,
                       "polygon": {"allowIntersection": False}, "rectangle": {}},
         edit_options={"edit": False, "remove": False}).add_to(m)
    Legend(_("Legend"), _legend_entries()).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    frames = [data.districts] if not data.districts.empty else list(data.targets.values())
    bounds = [f.total_bounds for f in frames if not f.empty]
    if bounds:
        m.fit_bounds([[min(b[1] for b in bounds), min(b[0] for b in bounds)],
                      [max(b[3] for b in bounds), max(b[2] for b in bounds)]])
    streets = next((entry[0] for entry in tile_targets if entry[3] == "streets"), None)
    return DispatchMap(m, assignments.get_name(), [layer.get_name() for layer in layers if layer is not None],
                       [entry[:3] for entry in tile_targets], streets)
