"""The analyst's map from folium objects: districts and zones to read it by, a run's result, Draw.

Gi* classes are a diverging choropleth (red hot, blue cold; only significant cells are drawn), Local
Moran clusters and outliers are coloured by quadrant, a kernel density is drawn as filled contour
bands in incidents per km². The run's cells come from its vector tiles (``/tiles/analysis/<run>/``,
styled and labelled by ``web/static/kuzet-cells.js`` from their properties), so the page does not
grow with them. Every text reaching a tooltip or the legend is escaped (tooltips are set as text).
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import folium
from branca.element import JavascriptLink, MacroElement
from flask import url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from folium.plugins import Draw, VectorGridProtobuf
from jinja2 import Template
from markupsafe import escape

from geo.layers import LAYERS
from geo.services import AnalystPage, HotspotResult, RunCells

from ..formats import format_number
from ..maps import frames
from ..maps.legend import Legend, LegendEntry
from ..maps.looks import LOOKS, Look
from ..maps.render import MapOptions, base_map, overlay
from ..maps.tiles import tile_overlay

GI_CLASSES = ((3, "#b2182b", _l("Hot spot, confidence 99 %")), (2, "#ef8a62", _l("Hot spot, confidence 95 %")),
              (1, "#fddbc7", _l("Hot spot, confidence 90 %")), (-1, "#d1e5f0", _l("Cold spot, confidence 90 %")),
              (-2, "#67a9cf", _l("Cold spot, confidence 95 %")), (-3, "#2166ac", _l("Cold spot, confidence 99 %")))
QUADRANTS = (("HH", "#d7191c", _l("High-high cluster (HH)")), ("LL", "#2c7bb6", _l("Low-low cluster (LL)")),
             ("HL", "#fdae61", _l("High-low outlier (HL)")), ("LH", "#abd9e9", _l("Low-high outlier (LH)")))
DENSITY_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
DRAWN_STYLE = {"color": "#6a1b9a", "weight": 2, "fillOpacity": 0.05, "dashArray": "4 3"}
# Zones for orientation: name and note only (the unit's name would need another query).
ZONES = Look(LOOKS["patrol_zone"].title, LOOKS["patrol_zone"].colour,
             tuple(row for row in LOOKS["patrol_zone"].tooltip if row[0] in ("name", "note")), fill_opacity=0.0)


@dataclass(frozen=True)
class AnalysisMap:
    """The folium map, the JS name of the group that holds the drawn area, and the result layer's."""

    map: folium.Map
    drawn: str
    result: str | None


def _metres(value: float) -> str:
    """A length in metres as the locale writes it, with a decimal only when it has one."""
    return format_number(value, 0 if float(value).is_integer() else 1)


class CellBehaviour(MacroElement):
    """Binds the cells' tooltips and outline (``kuzetCells.bind``) to their VectorGridProtobuf layer."""

    _template = Template("""
        {% macro script(this, kwargs) %}
        kuzetCells.bind({{ this.layer.get_name() }}, {{ this._parent.get_name() }}, {{ this.config }});
        {% endmacro %}
    """)

    def __init__(self, layer: VectorGridProtobuf, config: str) -> None:
        super().__init__()
        self._name = "CellBehaviour"
        self.layer = layer
        self.config = config


def _layer(m: folium.Map, run_id: int, name: str, key: str, classes: dict, label: str,
           fields: list[tuple[str, str]]) -> VectorGridProtobuf:
    """The run's drawn cells from their vector tiles, coloured by property ``key`` through ``classes``
    ({value: (colour, label)}); the tooltip names the class (``label``) and ``fields``. The page
    carries the tile URL and the legend's colours, never the cells."""
    config = json.dumps({"key": key, "classes": {str(k): [c, str(t)] for k, (c, t) in classes.items()},
                         "label": str(label), "fields": [[f, str(t)] for f, t in fields]}).replace("</", "<\\/")
    options = ('{"interactive": true, "rendererFactory": L.svg.tile, "maxNativeZoom": 22, '
               f'"pane": "{CELL_PANE}", "getFeatureId": kuzetCells.id, '
               f'"vectorTileLayerStyles": {{"analysis": kuzetCells.style({config})}}}}')
    url = url_for("tiles.analysis_tile", run_id=run_id, z=0, x=0, y=0).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
    grid = VectorGridProtobuf(url, name=str(escape(name)), options=options)
    grid.add_to(m)
    m.get_root().header.add_child(JavascriptLink(url_for("static", filename="kuzet-cells.js")),
                                  name="kuzet_cells_js")
    CellBehaviour(grid, config).add_to(m)
    return grid


CELL_PANE = "kuzetCells"
STATISTICS = [("count", _l("Incidents")), ("z", _l("z")), ("p", _l("p")), ("p_fdr", _l("p after FDR"))]


def _footer(run: HotspotResult, hidden: int, hidden_text: str) -> str:
    fdr = run.summary.get("fdr", {})
    parts = [_("Confidence after the Benjamini–Hochberg false discovery rate (%(kind)s p-values).",
               kind=_("permutation") if fdr.get("p_value") == "permutation" else _("analytic"))]
    if hidden:
        parts.append(hidden_text % {"n": f"{hidden:,}"})
    if run.summary.get("islands"):
        parts.append(_("%(n)s cells without neighbours (islands) excluded.", n=format_number(run.summary['islands'])))
    return " ".join(parts)


def _gi_star(m: folium.Map, run: HotspotResult, cells: RunCells) -> VectorGridProtobuf | None:
    entries = [LegendEntry(str(label), "#424242", colour, False, f"{cells.classes.get(cls, 0):,}")
               for cls, colour, label in GI_CLASSES]
    shown = sum(n for cls, n in cells.classes.items() if cls != 0)
    Legend(_("Gi* hot and cold spots"), entries,
           footer=_footer(run, cells.total - shown, _("Not significant: %(n)s cells (not drawn)."))).add_to(m)
    if not shown:
        return None
    classes = {cls: (colour, label) for cls, colour, label in GI_CLASSES}
    return _layer(m, run.run_id, _("Gi* classes"), "class", classes, _("Class"), STATISTICS)


def _local_moran(m: folium.Map, run: HotspotResult, cells: RunCells) -> VectorGridProtobuf | None:
    entries = [LegendEntry(str(label), "#424242", colour, False, f"{cells.quadrants.get(q, 0):,}")
               for q, colour, label in QUADRANTS]
    shown = sum(cells.quadrants.values())
    footer = _footer(run, cells.total - shown, _("p after FDR ≥ 0.05: %(n)s cells (not drawn)."))
    Legend(_("Local Moran clusters and outliers (95 %)"), entries, footer=footer).add_to(m)
    if not shown:
        return None
    quadrants = {q: (colour, label) for q, colour, label in QUADRANTS}
    return _layer(m, run.run_id, _("Local Moran"), "quadrant", quadrants, _("Quadrant"), STATISTICS)


def _density(m: folium.Map, run: HotspotResult, cells: RunCells) -> VectorGridProtobuf | None:
    bands = run.summary.get("bands", [])
    colours = [DENSITY_COLOURS[min(i, len(DENSITY_COLOURS) - 1)] for i in range(len(bands))]
    labels = [_("%(lo)s – %(hi)s incidents per km²", lo=format_number(b["min_km2"], 1), hi=format_number(b["max_km2"], 1))
              for b in bands]
    entries = [LegendEntry(label, "#424242", colour, False, _("%(area)s km²", area=format_number(b["area_km2"], 2)))
               for label, colour, b in zip(labels, colours, bands)]
    density = run.summary.get("density", {})
    Legend(_("Kernel density (incidents per km²)"), entries[::-1],
           footer=_("%(kernel)s kernel, bandwidth %(bw)s m, cells of %(cell)s m; below the first band not drawn.",
                    kernel=density.get("kernel", ""), bw=_metres(density.get('bandwidth_m', 0)),
                    cell=_metres(density.get('cell_size_m', 0)))).add_to(m)
    if not cells.total:
        return None
    # band n (in the summary's order) is stored as cell n; the tiles simplify it to their grid
    classes = {n: (colour, label) for n, (colour, label) in enumerate(zip(colours, labels), start=1)}
    return _layer(m, run.run_id, _("Density bands"), "cell_id", classes, _("Density"), [])


# Emerging hot spot patterns in ArcGIS Pro's manner: reds for hot, blues for cold, the strongest
# (new, intensifying, persistent) darkest, historical ones brown and violet.
EMERGING_PATTERNS = (
    ("new_hot", "#7f0000", _l("New hot spot")), ("consecutive_hot", "#d7301f", _l("Consecutive hot spot")),
    ("intensifying_hot", "#b30000", _l("Intensifying hot spot")), ("persistent_hot", "#ef6548", _l("Persistent hot spot")),
    ("diminishing_hot", "#fc8d59", _l("Diminishing hot spot")), ("sporadic_hot", "#fdbb84", _l("Sporadic hot spot")),
    ("oscillating_hot", "#fdd49e", _l("Oscillating hot spot")), ("historical_hot", "#a6761d", _l("Historical hot spot")),
    ("new_cold", "#08306b", _l("New cold spot")), ("consecutive_cold", "#2171b5", _l("Consecutive cold spot")),
    ("intensifying_cold", "#08519c", _l("Intensifying cold spot")), ("persistent_cold", "#4292c6", _l("Persistent cold spot")),
    ("diminishing_cold", "#6baed6", _l("Diminishing cold spot")), ("sporadic_cold", "#9ecae1", _l("Sporadic cold spot")),
    ("oscillating_cold", "#c6dbef", _l("Oscillating cold spot")), ("historical_cold", "#7570b3", _l("Historical cold spot")),
)
EMERGING_FIELDS = [("count", _l("Incidents")), ("z", _l("Trend of counts, z")), ("p", _l("Trend of counts, p"))]


def _emerging(m: folium.Map, run: HotspotResult, cells: RunCells) -> VectorGridProtobuf | None:
    tally = run.summary.get("classes", {})
    shown = [(key, colour, label) for key, colour, label in EMERGING_PATTERNS if tally.get(key)]
    entries = [LegendEntry(str(label), "#424242", colour, False, format_number(tally[key]))
               for key, colour, label in shown]
    Legend(_("Emerging hot spots"), entries,
           footer=_("No pattern: %(n)s cells (not drawn). Click a cell for its series.",
                    n=format_number(tally.get("none", 0)))).add_to(m)
    if not shown:
        return None
    classes = {key: (colour, label) for key, colour, label in EMERGING_PATTERNS}
    return _layer(m, run.run_id, _("Emerging hot spots"), "pattern", classes, _("Pattern"), EMERGING_FIELDS)


def emerging_setup(run: HotspotResult) -> dict:
    """What the emerging run's panel and emerging.js need: the patterns found (key, colour, label,
    cells), every pattern's colour and label, the series URL of a cell (id appended) and the map layer."""
    tally = run.summary.get("classes", {})
    base = url_for("api.emerging_cell_series", run_id=run.run_id, cell_id=0)
    return {"found": [[key, colour, str(label), tally[key]] for key, colour, label in EMERGING_PATTERNS
                      if tally.get(key)],
            "patterns": {key: [colour, str(label)] for key, colour, label in EMERGING_PATTERNS}
            | {"none": ["#bdbdbd", str(_l("No pattern detected"))]},
            "series": base[: -len("0/series")], "none": tally.get("none", 0)}


RESULT_LAYERS = {"gi_star": _gi_star, "local_moran": _local_moran, "kde": _density, "emerging": _emerging}


def build_analysis_map(page: AnalystPage, options: MapOptions) -> AnalysisMap:
    """Districts, patrol zones (off), the run's result with its legend, and the drawn area with Draw."""
    m = base_map(options)
    districts = frames.prepare(page.districts, LAYERS["district"], LOOKS["district"], timezone=options.timezone)
    overlay(m, districts, LOOKS["district"], str(LOOKS["district"].title))
    # SVG tiles in a pane above the overlay pane (whose canvas holds the districts): only a drawn
    # shape takes the pointer, so the districts' tooltips still answer between the cells and zones.
    folium.map.CustomPane(CELL_PANE, z_index=450, pointer_events=False).add_to(m)
    # Patrol zones (off) from their vector tiles, under the run's cells: a city may have many.
    tile_overlay(m, "patrol_zone", ZONES, str(ZONES.title), detail_fields=ZONES.tooltip, points_zoom=0, labels={},
                 show=False, svg=True, pane=CELL_PANE)
    run = page.run
    result = RESULT_LAYERS[run.method](m, run, page.cells) if run is not None else None
    drawn = folium.FeatureGroup(name=str(escape(_("Drawn area"))), control=False).add_to(m)
    area = (run.selection.get("area") or {}) if run is not None else {}
    if area.get("kind") == "polygon":
        folium.GeoJson(area["geometry"], style_function=lambda _f: DRAWN_STYLE).add_to(drawn)
    Draw(feature_group=drawn, position="topleft", show_geometry_on_click=False,
         draw_options={"polyline": False, "circle": False, "marker": False, "circlemarker": False,
                       "polygon": {"allowIntersection": False, "shapeOptions": DRAWN_STYLE},
                       "rectangle": {"shapeOptions": DRAWN_STYLE}},
         edit_options={"edit": False, "remove": False}).add_to(m)
    folium.LayerControl(collapsed=True, position="topright").add_to(m)
    bounds = _bounds(page)
    if bounds is not None:
        m.fit_bounds([[bounds[1], bounds[0]], [bounds[3], bounds[2]]])
    return AnalysisMap(m, drawn.get_name(), result.get_name() if result is not None else None)


def _bounds(page: AnalystPage):
    """The run's study area, else the districts, else the incidents."""
    if page.cells is not None and page.cells.bounds is not None:
        return page.cells.bounds
    if not page.districts.empty:
        return page.districts.total_bounds
    return page.choices.get("extent")
