"""The dispatcher's map, built from folium objects: targets to click, the day's assignments, drawing tools.

Each target feature carries ``target_kind`` and ``target_id``; dispatch.js finds the layers by the
folium names handed to the template and hooks their click events.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import folium
import geopandas as gpd
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from folium.plugins import Draw
from markupsafe import escape

from geo.layers import LAYERS, Field, LayerSpec
from geo.services import DispatchDay

from ..maps import frames
from ..maps.looks import LOOKS, Look
from ..maps.render import MapOptions, base_map, district_outlines, overlay

EMERGENCY_SPEC = LayerSpec("emergency_area", "Emergency areas", "Polygon",
                           (Field("name"), Field("note"), Field("starts_at", "datetime"),
                            Field("ends_at", "datetime")))
EMERGENCY = Look(_l("Emergency areas"), "#b71c1c",
                 (("name", _l("Name")), ("note", _l("Note")), ("starts_at", _l("Since")), ("ends_at", _l("Until"))),
                 fill_opacity=0.25, dash="5 3")
STREETS = Look(_l("Streets"), LOOKS["public_place"].colour, LOOKS["public_place"].tooltip, weight=3)
PLACES = Look(_l("Public places (not streets)"), LOOKS["public_place"].colour, LOOKS["public_place"].tooltip,
              fill_opacity=0.3, radius=4)

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


def build_dispatch_map(data: DispatchDay, options: MapOptions) -> DispatchMap:
    """Targets (streets as a layer off by default), emergency areas, the day's assignments and Draw."""
    m = base_map(options)
    district_outlines(m, data.districts)
    layers = []
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
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    frames = [data.districts] if not data.districts.empty else list(data.targets.values())
    bounds = [f.total_bounds for f in frames if not f.empty]
    if bounds:
        m.fit_bounds([[min(b[1] for b in bounds), min(b[0] for b in bounds)],
                      [max(b[3] for b in bounds), max(b[2] for b in bounds)]])
    return DispatchMap(m, assignments.get_name(), [layer.get_name() for layer in layers if layer is not None])
