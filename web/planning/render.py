"""The planner's map, built from folium objects: district outlines to read the proposal by.

plan.js draws the proposal on this map; the page hands it the map's JS name.
"""
from __future__ import annotations

import folium
import geopandas as gpd

from ..maps.render import MapOptions, base_map, district_outlines


def build_plan_map(districts: gpd.GeoDataFrame, options: MapOptions) -> folium.Map:
    """A map of the districts (for orientation, not clickable), fitted to them."""
    m = base_map(options)
    district_outlines(m, districts)
    if not districts.empty:
        minx, miny, maxx, maxy = districts.total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m
