"""Overlays drawn from the vector tiles (``/tiles/<layer>/...``): folium's VectorGridProtobuf with
the styles, tooltips and click detail of ``web/static/kuzet-tiles.js``. The page carries the tile
URL and a few labels, never the features, so its size does not grow with the data."""
from __future__ import annotations

import json
import math

import folium
from branca.element import JavascriptLink, MacroElement
from flask import url_for
from folium.plugins import VectorGridProtobuf
from jinja2 import Template
from markupsafe import escape

from .looks import Look


class TileBehaviour(MacroElement):
    """Binds tooltips and click detail (``kuzetTiles.bind``) to a VectorGridProtobuf layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        kuzetTiles.bind({{ this.layer.get_name() }}, {{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
    """)

    def __init__(self, layer: VectorGridProtobuf, config: dict) -> None:
        super().__init__()
        self._name = "TileBehaviour"
        self.layer = layer
        self.config = json.dumps(config).replace("</", "<\\/")


def tile_overlay(m: folium.Map, layer: str, look: Look, title: str, *, detail_fields, points_zoom: int,
                 labels: dict, synthetic: dict | None = None, show: bool = True, filled: bool = True,
                 keep: tuple[str, str, bool] | None = None, popup: bool = True,
                 svg: bool = False, pane: str | None = None, query: dict | None = None,
                 detail: str | None = None, extra: dict | None = None, times: tuple[str, ...] = (),
                 timezone: str | None = None, leads: bool = False, later: bool = False) -> VectorGridProtobuf:
    """Layer ``layer`` from its vector tiles, styled as ``look``, with tooltips of ``look.tooltip``.

    ``keep`` = (property, value, equal) draws only the features whose property equals (or, with
    ``equal`` false, differs from) value; ``popup`` false leaves a click to the page's own script.
    ``svg`` draws SVG tiles: a canvas tile takes every click over it, so several clickable tile
    layers stacked need SVG, where only a drawn shape takes the click. ``pane`` names the map pane
    to draw in (tiles go under the overlay pane, whose canvas would take their clicks). query
    is the tile URL's query (a page's filter), detail the URL a clicked feature's id is appended
    to (by default the layer API's item), times the properties that are timestamps, shown in
    timezone as the embedded layers are, extra more of kuzet-tiles.js's options (values:
    labels of coded values, link: a link to a page). ``leads``: the layers made with ``later``
    (and a basemap added ``later``) are added to the map only once this one has drawn its first
    feature, so its tiles are asked for and drawn first.
    """
    config = {"layer": layer, "colour": look.colour, "fill": look.fill_colour or look.colour,
              "opacity": look.fill_opacity, "radius": look.radius, "weight": look.weight,
              "dash": look.dash, "filled": filled, "popup": popup,
              "keep": list(keep) if keep else None,
              "fields": [[column, str(label)] for column, label in look.tooltip],
              "detailFields": [[column, str(label)] for column, label in detail_fields],
              "detail": detail or url_for("api.layer_items", layer=layer) + "/", "pointsZoom": points_zoom,
              "labels": labels, "synthetic": synthetic, "times": list(times), "timezone": timezone,
              "leads": leads, "later": later and show, **(extra or {})}
    style = json.dumps(config).replace("</", "<\\/")
    renderer = "L.svg.tile" if svg else "L.canvas.tile"
    in_pane = f'"pane": {json.dumps(pane)}, ' if pane else ""
    options = ('{"interactive": true, ' + in_pane + '"rendererFactory": ' + renderer + ', "maxNativeZoom": 22, '
               f'"vectorTileLayerStyles": {{{json.dumps(layer)}: kuzetTiles.style({style})}}}}')
    url = url_for("tiles.tile", layer=layer, z=0, x=0, y=0, **(query or {})).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
    grid = VectorGridProtobuf(url, name=str(escape(title)), options=options, show=show and not later)
    grid.add_to(m)
    m.get_root().header.add_child(JavascriptLink(url_for("static", filename="kuzet-tiles.js")),
                                  name="kuzet_tiles_js")
    TileBehaviour(grid, config).add_to(m)
    return grid


def opening_tiles(center: tuple[float, float], zoom: int, *, half_px: int = 128) -> list[tuple[int, int, int]]:
    """The tiles (z, x, y) within ``half_px`` screen pixels of a map's centre (lat, lon) at ``zoom``:
    shown by any map at least twice ``half_px`` wide and high that opens there (Leaflet's spherical
    Mercator, 256-pixel tiles), the centre's own first."""
    lat, lon = center
    world = 256 * 2 ** zoom
    px = (lon + 180) / 360 * world
    py = (1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * world

    def span(p: float) -> range:
        return range(max(0, int((p - half_px) // 256)), min(2 ** zoom - 1, int((p + half_px) // 256)) + 1)

    tiles = [(zoom, x, y) for x in span(px) for y in span(py)]
    return sorted(tiles, key=lambda t: (t[1] != int(px // 256) or t[2] != int(py // 256), t))


class TilePreload(MacroElement):
    """``<link rel="preload" as="fetch">`` in the page's head for tiles the map asks for first: the
    browser fetches them while the page's scripts load, and VectorGrid's own ``fetch`` of the same
    URL (same origin, same credentials) takes the preloaded response."""

    _template = Template("""
        {% macro header(this, kwargs) %}
        {% for url in this.urls %}<link rel="preload" as="fetch" crossorigin="anonymous" href="{{ url|e }}">
        {% endfor %}
        {% endmacro %}
    """)

    def __init__(self, urls: list[str]) -> None:
        super().__init__()
        self._name = "TilePreload"
        self.urls = urls


def preload_tiles(m: folium.Map, layer: str, tiles: list[tuple[int, int, int]]) -> None:
    """Preload layer ``layer``'s tiles ``tiles`` (z, x, y) in ``m``'s page."""
    TilePreload([url_for("tiles.tile", layer=layer, z=z, x=x, y=y) for z, x, y in tiles]).add_to(m)
