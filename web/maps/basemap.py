"""The basemap under every map page: kuzet's own vector tiles (``/tiles/basemap/...``), styled quietly,
or the raster service of ``KUZET_TILES_URL`` when one is configured."""
from __future__ import annotations

import json

import folium
from branca.element import MacroElement
from flask import url_for
from jinja2 import Template
from flask_babel import gettext as _
from folium.plugins import VectorGridProtobuf

ATTRIBUTION = '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors'

# Leaflet path options per tile layer (see geo/db/sql/basemap_tile.sql for the layers).
STYLES = {
    "water": {"weight": 1, "color": "#a9cfe0", "fill": True, "fillColor": "#cfe6f1", "fillOpacity": 1},
    "parks": {"stroke": False, "fill": True, "fillColor": "#dcefd2", "fillOpacity": 1},
    "railways": {"weight": 1.2, "color": "#a0a0a0", "dashArray": "5 4"},
    "districts": {"weight": 1, "color": "#9a98aa", "opacity": 0.8, "dashArray": "2 4", "fill": False},
}
# Streets grow with their class and the zoom; a function, as VectorGrid allows, in the page's own
# (nonce-carrying) script.
STREETS_STYLE = """function (properties, zoom) {
  var w = {major: 3, secondary: 2.2, minor: 1.4, path: 0.8}[properties["class"]] || 1;
  return {weight: w * Math.max(1, (zoom - 11) / 2), color: properties["class"] === "path" ? "#d6d6d6" : "#c4c4c4",
          dashArray: properties["class"] === "path" ? "2 3" : null};
}"""


def tile_url_template() -> str:
    """The basemap's tile URL with Leaflet's ``{z}/{x}/{y}`` placeholders (under the app's root)."""
    return url_for("basemap.tile", z=0, x=0, y=0).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")


# Under every other tile layer whatever the order they were added in (Leaflet's default is 1), and
# fetched at low priority: the browser hands its few connections to the server to the data first.
BELOW = 0


def vector_options() -> str:
    """VectorGrid's options as a JavaScript object: canvas tiles, the styles, the attribution, under
    the other tile layers and fetched after them."""
    styles = ", ".join([f"{json.dumps(name)}: {json.dumps(style)}" for name, style in STYLES.items()]
                       + [f'"streets": {STREETS_STYLE}'])
    return ("{rendererFactory: L.canvas.tile, interactive: false, maxNativeZoom: 18, maxZoom: 20, "
            f'zIndex: {BELOW}, fetchOptions: {{priority: "low"}}, '
            f"attribution: {json.dumps(ATTRIBUTION)}, vectorTileLayerStyles: {{{styles}}}}}")


def add_basemap(m: folium.Map, *, tiles_url: str = "", tiles_attribution: str = "", later: bool = False) -> None:
    """Put the basemap under ``m`` (not in the layer control): the configured raster tiles when
    ``tiles_url`` is set, kuzet's own vector basemap otherwise. ``later``: kuzet's basemap is added
    after the page's leading tile layer has drawn (``kuzetTiles.later``, web/static/kuzet-tiles.js)."""
    if tiles_url:
        folium.TileLayer(tiles=tiles_url, attr=tiles_attribution, name=_("Basemap"), control=False,
                         z_index=BELOW).add_to(m)
        return
    grid = VectorGridProtobuf(tile_url_template(), name=_("Basemap"), options=vector_options(), overlay=False,
                              control=False, show=not later).add_to(m)
    StreetLabels(grid).add_to(m)
    if later:
        Later(grid).add_to(m)


class Later(MacroElement):
    """Adds a layer to the map after the page's leading tile layer has drawn its first feature."""

    _template = Template("""
        {% macro script(this, kwargs) %}
            kuzetTiles.later({{ this.layer.get_name() }}, {{ this._parent.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, layer) -> None:
        super().__init__()
        self._name = "Later"
        self.layer = layer


class StreetLabels(MacroElement):
    """Street names at high zoom over the vector basemap (``web/static/basemap.js``)."""

    _template = Template("""
        {% macro header(this, kwargs) %}<script src="{{ this.script_url }}"></script>{% endmacro %}
        {% macro script(this, kwargs) %}
            kuzetStreetLabels({{ this._parent.get_name() }}, {{ this.grid.get_name() }});
        {% endmacro %}
    """)

    def __init__(self, grid: VectorGridProtobuf) -> None:
        super().__init__()
        self._name = "StreetLabels"
        self.grid = grid
        self.script_url = url_for("static", filename="basemap.js")
