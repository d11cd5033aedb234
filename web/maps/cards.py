"""Several small folium maps on one page (a card each), rendered as one figure with local assets.

Rendering the maps into one branca ``Figure`` loads Leaflet once; each map's ``<div>`` is handed to
the template separately so it can sit inside its own card.
"""
from __future__ import annotations

from dataclasses import dataclass

import folium
from branca.element import Figure
from flask import url_for
from markupsafe import Markup, escape

from .assets import UnknownAsset, external_links, localize
from .basemap import add_basemap
from .nonce import with_nonce
from .render import MapOptions

# A small map inside a scrolling page must not catch the finger that scrolls it.
STILL = {"dragging": False, "scroll_wheel_zoom": False, "touch_zoom": False, "double_click_zoom": False,
         "box_zoom": False, "keyboard": False, "zoom_control": False}
TARGET_STYLE = {"color": "#00695c", "weight": 3, "opacity": 1.0, "fill": True, "fillColor": "#4db6ac", "fillOpacity": 0.35}


@dataclass(frozen=True)
class FigureParts:
    """The header (assets, each map's size), each map's ``<div>`` by key, and the scripts."""

    header: Markup
    maps: dict
    script: Markup


def new_map(options: MapOptions, *, height: str = "100%", still: bool = False) -> folium.Map:
    """A map without folium's CDN tiles, on kuzet's own basemap or the configured raster tiles."""
    m = folium.Map(location=list(options.center), zoom_start=options.zoom, tiles=None, height=height,
                   control_scale=True, **(STILL if still else {}))
    add_basemap(m, tiles_url=options.tiles_url, tiles_attribution=options.tiles_attribution)
    return m


def fit(m: folium.Map, bounds: tuple[float, float, float, float], *, max_zoom: int = 16) -> None:
    """Fit ``(minx, miny, maxx, maxy)`` in lon/lat, not closer than ``max_zoom`` (a point has no extent)."""
    minx, miny, maxx, maxy = bounds
    m.fit_bounds([[miny, minx], [maxy, maxx]], padding=(12, 12), max_zoom=max_zoom)


# A planned walking route on a still map, in the blue the board and the printed sheet draw it in.
ROUTE_STYLE = {"color": "#1f4e9c", "weight": 4, "opacity": 0.85}


def target_map(geometry: dict, name: str, bounds, options: MapOptions, *, height: str = "180px",
               route: dict | None = None) -> folium.Map:
    """A still map of one target: its outline (or point) and its name as a tooltip (escaped); with
    ``route`` (a planned walking route's ``geometry`` and ``start``), the route and its start too."""
    m = new_map(options, height=height, still=True)
    feature = {"type": "Feature", "geometry": geometry, "properties": {"name": str(escape(name))}}
    folium.GeoJson(feature, style_function=lambda _f: TARGET_STYLE, marker=folium.CircleMarker(radius=7),
                   tooltip=folium.GeoJsonTooltip(fields=["name"], labels=False)).add_to(m)
    if route is not None:
        folium.GeoJson({"type": "Feature", "geometry": route["geometry"], "properties": {}},
                       style_function=lambda _f: ROUTE_STYLE, class_name="patrol-route").add_to(m)
        lon, lat = route["start"]["coordinates"]
        folium.CircleMarker((lat, lon), radius=6, color=ROUTE_STYLE["color"], fill=True, fill_color="#ffffff",
                            fill_opacity=1.0, weight=3).add_to(m)
    fit(m, bounds)
    return m


def render_maps(maps: dict) -> FigureParts:
    """Render ``{key: folium.Map}`` into one figure with local assets only."""
    figure = Figure()
    for m in maps.values():
        figure.add_child(m)
    localize(figure)
    figure.render()
    external = external_links(figure, static_prefix=url_for("static", filename=""))
    if external:
        raise UnknownAsset(f"the map links assets outside web/static: {external}")
    divs = {key: with_nonce(figure.html._children[m.get_name()].render()) for key, m in maps.items()}
    return FigureParts(header=with_nonce(figure.header.render()), maps=divs, script=Markup(figure.script.render()))
