"""The planner's map, built from folium objects: district outlines to read the proposal by.

plan.js draws the proposal on this map; the page hands it the map's JS name.
"""
from __future__ import annotations

import folium
import geopandas as gpd
from markupsafe import escape

from ..geojson import feature_collection
from ..maps.looks import LOOKS
from ..maps.render import MapOptions, base_map


def build_plan_map(districts: gpd.GeoDataFrame, options: MapOptions) -> folium.Map:
    """A map of the districts (for orientation, not clickable), fitted to them."""
    m = base_map(options)
    if not districts.empty:
        look = LOOKS["district"]
        folium.GeoJson(feature_collection(districts), name=str(escape(look.title)), interactive=False,
                       style_function=lambda _f: {"color": look.colour, "weight": 1.5, "opacity": 0.6,
                                                  "fill": False, "dashArray": "4 4"}).add_to(m)
        minx, miny, maxx, maxy = districts.total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m
