"""The analyst's map from folium objects: districts and zones to read it by, a run's result, Draw.

Gi* classes are a diverging choropleth (red hot, blue cold; only significant cells are drawn), Local
Moran clusters and outliers are coloured by quadrant, a kernel density is drawn as filled contour
bands in incidents per km². Every text reaching a tooltip or the legend is escaped.
"""
from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
import numpy as np
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from folium.plugins import Draw
from markupsafe import escape

from geo.layers import LAYERS
from geo.services import AnalystPage, HotspotResult
from geo.services.hotspots.statistics import ALPHA

from ..formats import format_number, format_scientific
from ..maps import frames
from ..maps.legend import Legend, LegendEntry
from ..maps.looks import LOOKS, Look
from ..maps.render import MapOptions, base_map, overlay

GI_CLASSES = ((3, "#b2182b", _l("Hot spot, confidence 99 %")), (2, "#ef8a62", _l("Hot spot, confidence 95 %")),
              (1, "#fddbc7", _l("Hot spot, confidence 90 %")), (-1, "#d1e5f0", _l("Cold spot, confidence 90 %")),
              (-2, "#67a9cf", _l("Cold spot, confidence 95 %")), (-3, "#2166ac", _l("Cold spot, confidence 99 %")))
QUADRANTS = (("HH", "#d7191c", _l("High-high cluster (HH)")), ("LL", "#2c7bb6", _l("Low-low cluster (LL)")),
             ("HL", "#fdae61", _l("High-low outlier (HL)")), ("LH", "#abd9e9", _l("Low-high outlier (LH)")))
DENSITY_COLOURS = ("#ffffb2", "#fecc5c", "#fd8d3c", "#f03b20", "#bd0026")
METRES_PER_DEGREE = 111_320.0  # of latitude; longitude degrees are shorter, so this errs on the fine side
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


def _number(value: float, digits: int = 2) -> str:
    return "–" if value is None or np.isnan(value) else format_number(value, digits)


def _p(value: float) -> str:
    if value is None or np.isnan(value):
        return "–"
    return format_scientific(value, 2) if value < 0.001 else format_number(value, 3)


def _tooltip_frame(cells: gpd.GeoDataFrame, labels: list[str], colours: list[str]) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({
        "label": [str(escape(label)) for label in labels], "colour": colours,
        "count": [_number(c, 0) for c in cells["count"]], "z": [_number(z) for z in cells["z"]],
        "p": [_p(p) for p in cells["p"]], "p_fdr": [_p(p) for p in cells["p_fdr"]]},
        geometry=cells.geometry.values, crs=cells.crs)


def _layer(m: folium.Map, frame: gpd.GeoDataFrame, name: str, fields: list[tuple[str, str]]) -> folium.GeoJson:
    return folium.GeoJson(
        frame.to_json(drop_id=True), name=str(escape(name)), zoom_on_click=False,
        style_function=lambda f: {"color": "#424242", "weight": 0.5, "opacity": 0.7, "fillOpacity": 0.75,
                                  "fillColor": f["properties"]["colour"]},
        highlight_function=lambda _f: {"weight": 2.5, "color": "#000000"},
        tooltip=folium.GeoJsonTooltip(fields=[f for f, _label in fields], sticky=True,
                                      aliases=[str(escape(label)) for _f, label in fields]),
    ).add_to(m)


def _footer(run: HotspotResult, hidden: int, hidden_text: str) -> str:
    fdr = run.summary.get("fdr", {})
    parts = [_("Confidence after the Benjamini–Hochberg false discovery rate (%(kind)s p-values).",
               kind=_("permutation") if fdr.get("p_value") == "permutation" else _("analytic"))]
    if hidden:
        parts.append(hidden_text % {"n": f"{hidden:,}"})
    if run.summary.get("islands"):
        parts.append(_("%(n)s cells without neighbours (islands) excluded.", n=f"{run.summary['islands']:,}"))
    return " ".join(parts)


def _gi_star(m: folium.Map, run: HotspotResult) -> folium.GeoJson | None:
    cells = run.cells
    shown = cells[cells["class"].fillna(0) != 0]
    look = {cls: (colour, str(label)) for cls, colour, label in GI_CLASSES}
    entries = [LegendEntry(str(label), "#424242", colour, False, f"{int((cells['class'] == cls).sum()):,}")
               for cls, colour, label in GI_CLASSES]
    Legend(_("Gi* hot and cold spots"), entries,
           footer=_footer(run, len(cells) - len(shown), _("Not significant: %(n)s cells (not drawn)."))).add_to(m)
    if shown.empty:
        return None
    frame = _tooltip_frame(shown, [look[int(c)][1] for c in shown["class"]], [look[int(c)][0] for c in shown["class"]])
    return _layer(m, frame, _("Gi* classes"), [("label", _("Class")), ("count", _("Incidents")), ("z", _("z")),
                                                ("p", _("p")), ("p_fdr", _("p after FDR"))])


def _local_moran(m: folium.Map, run: HotspotResult) -> folium.GeoJson | None:
    cells = run.cells
    significant = cells["quadrant"].notna() & (cells["p_fdr"] < ALPHA)
    shown = cells[significant]
    look = {q: (colour, str(label)) for q, colour, label in QUADRANTS}
    entries = [LegendEntry(str(label), "#424242", colour, False, f"{int((shown['quadrant'] == q).sum()):,}")
               for q, colour, label in QUADRANTS]
    footer = _footer(run, len(cells) - len(shown), _("p after FDR ≥ 0.05: %(n)s cells (not drawn)."))
    Legend(_("Local Moran clusters and outliers (95 %)"), entries, footer=footer).add_to(m)
    if shown.empty:
        return None
    frame = _tooltip_frame(shown, [look[q][1] for q in shown["quadrant"]], [look[q][0] for q in shown["quadrant"]])
    return _layer(m, frame, _("Local Moran"), [("label", _("Quadrant")), ("count", _("Incidents")),
                                              ("z", _("z")), ("p", _("p")), ("p_fdr", _("p after FDR"))])


def _density(m: folium.Map, run: HotspotResult) -> folium.GeoJson | None:
    bands = run.summary.get("bands", [])
    colours = [DENSITY_COLOURS[min(i, len(DENSITY_COLOURS) - 1)] for i in range(len(bands))]
    labels = [_("%(lo)s – %(hi)s incidents per km²", lo=format_number(b["min_km2"], 1), hi=format_number(b["max_km2"], 1))
              for b in bands]
    entries = [LegendEntry(label, "#424242", colour, False, _("%(area)s km²", area=format_number(b["area_km2"], 2)))
               for label, colour, b in zip(labels, colours, bands)]
    density = run.summary.get("density", {})
    Legend(_("Kernel density (incidents per km²)"), entries[::-1],
           footer=_("%(kernel)s kernel, bandwidth %(bw)s m, cells of %(cell)s m; below the first band not drawn.",
                    kernel=density.get("kernel", ""), bw=f"{density.get('bandwidth_m', 0):g}",
                    cell=f"{density.get('cell_size_m', 0):g}")).add_to(m)
    if run.cells.empty:
        return None
    # bands traced at the cell size are heavy; half a cell of simplification does not show on the map
    tolerance_deg = density.get("cell_size_m", 0) / 2 / METRES_PER_DEGREE
    frame = gpd.GeoDataFrame({"label": [str(escape(label)) for label in labels], "colour": colours},
                             geometry=run.cells.geometry.simplify(tolerance_deg).values, crs=run.cells.crs)
    return _layer(m, frame, _("Density bands"), [("label", _("Density"))])


RESULT_LAYERS = {"gi_star": _gi_star, "local_moran": _local_moran, "kde": _density}


def build_analysis_map(page: AnalystPage, options: MapOptions) -> AnalysisMap:
    """Districts, patrol zones (off), the run's result with its legend, and the drawn area with Draw."""
    m = base_map(options)
    districts = frames.prepare(page.districts, LAYERS["district"], LOOKS["district"], timezone=options.timezone)
    overlay(m, districts, LOOKS["district"], str(LOOKS["district"].title))
    zones = frames.prepare(page.patrol_zones, LAYERS["patrol_zone"], ZONES, timezone=options.timezone)
    overlay(m, zones, ZONES, str(ZONES.title), show=False)
    run = page.run
    result = RESULT_LAYERS[run.method](m, run) if run is not None else None
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
    if page.run is not None and not page.run.cells.empty:
        return page.run.cells.total_bounds
    if not page.districts.empty:
        return page.districts.total_bounds
    return page.choices.get("extent")
