"""The overview map built from folium objects only, and its parts for a Jinja page."""
from __future__ import annotations

from dataclasses import dataclass

import folium
import geopandas as gpd
from flask import url_for
from flask_babel import gettext as _
from markupsafe import Markup, escape

from geo.domain import IncidentSource
from geo.layers import LAYERS
from geo.services import LayerPage
from geo.settings import Settings

from ..geojson import feature_collection
from ..formats import format_number
from . import frames
from .basemap import add_basemap
from .assets import UnknownAsset, external_links, localize
from .legend import Legend, LegendEntry
from .nonce import with_nonce
from .tiles import opening_tiles, preload_tiles, tile_overlay
from .looks import AREA_ORDER, LOOKS, PLACES, STATIONS, STREETS, SYNTHETIC_INCIDENTS, SYNTHETIC_NOTE, Look

# The overview's layers drawn from their vector tiles, which grow with the data (many zones, places,
# streets, blocks), and the districts' and police units' outlines, whose thousands of vertices
# would make most of the page; the units' stations (their second geometry, which a tile does not
# carry) stay embedded as points. Formations stay embedded too: their tooltip's notification line
# (Order 641 item 7) is composed here, and a city registers tens of them (one per police unit or so).
TILED = ("district", "police_unit", "analysis_area", "pasture", "crop_field", "campus", "public_place",
         "patrol_zone", "event")
# SVG tiles in a pane above the overlay pane (whose canvas takes every pointer event over it): only
# a drawn shape takes the pointer, so the embedded layers' tooltips still answer between them.
LAYER_PANE = "kuzetLayers"


@dataclass(frozen=True)
class MapOptions:
    """Where the map opens and which basemap it draws (empty ``tiles_url``: kuzet's own)."""

    center: tuple[float, float]
    zoom: int
    timezone: str
    tiles_url: str = ""
    tiles_attribution: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> "MapOptions":
        return cls(center=settings.map.center, zoom=settings.map.zoom, timezone=settings.timezone,
                   tiles_url=settings.map.tiles_url, tiles_attribution=settings.map.tiles_attribution)


@dataclass(frozen=True)
class MapParts:
    """The "components" of a rendered folium figure, safe to place in a template."""

    header: Markup
    html: Markup
    script: Markup


def base_map(options: MapOptions, *, basemap: bool = True) -> folium.Map:
    """A map at the configured centre and zoom, drawn on canvas, without folium's CDN tiles; the
    basemap under it (not in the layer control): kuzet's own, or the configured raster tiles
    (``basemap`` false: added later by the caller, with :func:`add_basemap`)."""
    m = folium.Map(location=list(options.center), zoom_start=options.zoom, tiles=None, prefer_canvas=True,
                   control_scale=True, font_size="0.85rem")
    if basemap:
        add_basemap(m, tiles_url=options.tiles_url, tiles_attribution=options.tiles_attribution)
    return m


def district_outlines(m: folium.Map, districts: gpd.GeoDataFrame) -> None:
    """District outlines for orientation; not clickable, so a click always reaches what lies under them."""
    if districts.empty:
        return
    look = LOOKS["district"]
    folium.GeoJson(feature_collection(districts), name=str(escape(look.title)), interactive=False,
                   style_function=lambda _f: {"color": look.colour, "weight": 1.5, "opacity": 0.6,
                                              "fill": False, "dashArray": "4 4"}).add_to(m)


def overlay(m: folium.Map, frame: gpd.GeoDataFrame, look: Look, title: str, *,
            show: bool = True) -> folium.GeoJson | None:
    """One layer's prepared frame as a GeoJson overlay with tooltips; an empty frame gets a named
    empty group (None is returned then)."""
    # Layer names reach the layer control's innerHTML, so they are escaped like any text.
    name = str(escape(title))
    if frame.empty:
        folium.FeatureGroup(name=str(escape(_("%(title)s (empty)", title=title))), show=show).add_to(m)
        return None
    highlight = {"weight": look.weight + 2, "fillOpacity": min(1.0, look.fill_opacity + 0.2)}
    fields = [column for column, _label in look.tooltip]
    return folium.GeoJson(
        feature_collection(frame),
        name=name,
        show=show,
        style_function=lambda feature: look.style((feature.get("geometry") or {}).get("type")),
        highlight_function=lambda _feature: highlight,
        marker=folium.CircleMarker(radius=look.radius),
        tooltip=folium.GeoJsonTooltip(fields=fields, sticky=True,
                                      aliases=[str(escape(label)) for _c, label in look.tooltip]),
        zoom_on_click=False,
    ).add_to(m)


def _detail(shown: int, matched: int | None) -> str:
    if matched is None:
        return _("%(shown)s shown (feature limit reached)", shown=format_number(shown))
    if matched == 0:
        return _("no features")
    if shown < matched:
        return _("%(shown)s of %(matched)s shown", shown=format_number(shown), matched=format_number(matched))
    return format_number(matched)


def _entry(look: Look, title: str, shown: int, matched: int | None, *, point: bool,
           note: str | None = None) -> LegendEntry:
    return LegendEntry(title=title, colour=look.colour, fill_colour=look.fill_colour or look.colour,
                       point=point, detail=_detail(shown, matched), note=note)


def build_map(pages: dict[str, LayerPage], options: MapOptions, *, incident_tiles: int | None = None) -> folium.Map:
    """A folium map with one overlay per layer in ``pages`` (stations and synthetic incidents apart) and
    a legend; a layer the viewer may not read is simply not in ``pages``. ``incident_tiles`` (the zoom
    from which tiles hold points) draws the incidents from their vector tiles instead, their layer
    created before the basemap: a tile layer asks for its tiles when it is added, and the browser's
    six connections to the server then carry the incident tiles first (the basemap is drawn under
    them all the same, at a lower zIndex)."""
    m = base_map(options, basemap=incident_tiles is None)
    entries: list[LegendEntry] = []
    incident_entries: list[LegendEntry] = []
    if incident_tiles is not None:
        # First of all the tile layers: its tiles are asked for first, ahead of the areas' and the
        # basemap's in the browser's six connections (it draws in the tile pane, under the areas'
        # pane, whatever the order it is added in).
        _incident_tiles(m, incident_tiles, incident_entries)
    if any(name in pages for name in TILED):
        folium.map.CustomPane(LAYER_PANE, z_index=450, pointer_events=False).add_to(m)
    for name in (n for n in AREA_ORDER if n in pages):
        spec, page, look = LAYERS[name], pages[name], LOOKS[name]
        if name in TILED:
            _layer_tiles(m, spec, look, options, points_zoom=incident_tiles or 0, later=incident_tiles is not None)
            entries.append(_entry(look, str(look.title), page.matched, page.matched, point=spec.geometry == "Point"))
            continue
        overlay(m, frames.prepare(page.frame, spec, look, timezone=options.timezone), look, str(look.title),
                show=look.shown)
        entries.append(_entry(look, str(look.title), len(page.frame), page.matched,
                              point=spec.geometry == "Point"))
    police = pages["police_unit"].frame
    points = frames.stations(police) if not police.empty else police
    overlay(m, frames.prepare(points, LAYERS["police_unit"], STATIONS, timezone=options.timezone),
             STATIONS, str(STATIONS.title))
    entries.append(_entry(STATIONS, str(STATIONS.title), len(points), len(points), point=True))
    if incident_tiles is not None:
        entries += incident_entries
        add_basemap(m, tiles_url=options.tiles_url, tiles_attribution=options.tiles_attribution, later=True)
        # The map opens at the configured centre and zoom, not fitted to the districts: the incident
        # tiles there are known before any script runs, and fetched while the scripts load (fitted
        # to the districts, the view would depend on the window).
        preload_tiles(m, "incident", opening_tiles(options.center, options.zoom))
    elif "incident" in pages:
        _incidents(m, pages["incident"], options, entries)
    Legend(_("Layers"), entries).add_to(m)
    folium.LayerControl(collapsed=False, position="topright").add_to(m)
    districts = pages["district"].frame
    if incident_tiles is None and not districts.empty:
        minx, miny, maxx, maxy = districts.total_bounds
        m.fit_bounds([[miny, minx], [maxy, maxx]])
    return m


def _layer_tiles(m: folium.Map, spec, look: Look, options: MapOptions, *, points_zoom: int,
                 later: bool = False) -> None:
    """A layer from its vector tiles, its tooltips from the tiles' properties (a ref's name, times in
    the area's zone) and a click's detail from the layer API; public places as streets and the rest.
    ``later``: added once the incidents have drawn (see :func:`tile_overlay`)."""
    times = tuple(f.name for f in spec.fields if f.type == "datetime")
    common = {"detail_fields": look.tooltip, "points_zoom": points_zoom, "labels": {}, "svg": True,
              "pane": LAYER_PANE, "times": times, "timezone": options.timezone, "later": later}
    if spec.name != "public_place":
        tile_overlay(m, spec.name, look, str(look.title), show=look.shown, **common)
        return
    tile_overlay(m, spec.name, PLACES, str(PLACES.title), keep=("kind", "street", False), **common)
    tile_overlay(m, spec.name, STREETS, str(STREETS.title), keep=("kind", "street", True), filled=False, **common)


def _incident_tiles(m: folium.Map, points_zoom: int, entries: list[LegendEntry]) -> None:
    """Incidents from their vector tiles: counted cells below ``points_zoom``, points from it on; the
    synthetic demo incidents drawn and labelled apart (grey, with the note in their tooltip)."""
    look = LOOKS["incident"]
    synthetic = {"source": IncidentSource.SYNTHETIC_DEMO.value, "colour": SYNTHETIC_INCIDENTS.colour,
                 "fill": SYNTHETIC_INCIDENTS.fill_colour, "opacity": SYNTHETIC_INCIDENTS.fill_opacity,
                 "radius": SYNTHETIC_INCIDENTS.radius, "note": str(SYNTHETIC_NOTE)}
    labels = {"count": _("Incidents"), "zoom": _("Zoom in (or click) to see each incident"), "note": _("Note")}
    tile_overlay(m, "incident", look, str(look.title), detail_fields=look.tooltip, points_zoom=points_zoom,
                 labels=labels, synthetic=synthetic, leads=True)
    cells = _("counted in cells below zoom %(zoom)s", zoom=points_zoom)
    entries.append(LegendEntry(title=str(look.title), colour=look.colour, fill_colour=look.fill_colour or look.colour,
                               point=True, detail=cells))
    entries.append(LegendEntry(title=str(SYNTHETIC_INCIDENTS.title), colour=SYNTHETIC_INCIDENTS.colour,
                               fill_colour=SYNTHETIC_INCIDENTS.fill_colour, point=True, detail="",
                               note=str(SYNTHETIC_NOTE)))


def _incidents(m: folium.Map, page: LayerPage, options: MapOptions, entries: list[LegendEntry]) -> None:
    """Recorded incidents, and synthetic demo incidents as a layer that says so."""
    spec, look = LAYERS["incident"], LOOKS["incident"]
    real, synthetic = frames.split_synthetic(page.frame)
    # A page cut by the feature limit does not tell how the remaining rows split by source.
    complete = len(page.frame) == page.matched
    # Recorded incidents get an overlay even when empty, so a demo never looks like real records.
    overlay(m, frames.prepare(real, spec, look, timezone=options.timezone), look, str(look.title))
    entries.append(_entry(look, str(look.title), len(real), len(real) if complete else None, point=True))
    if len(synthetic):
        title = str(SYNTHETIC_INCIDENTS.title)
        overlay(m, frames.prepare(synthetic, spec, SYNTHETIC_INCIDENTS, timezone=options.timezone),
                 SYNTHETIC_INCIDENTS, title)
        entries.append(_entry(SYNTHETIC_INCIDENTS, title, len(synthetic),
                              len(synthetic) if complete else None, point=True, note=str(SYNTHETIC_NOTE)))


def components(m: folium.Map) -> MapParts:
    """Render ``m`` with local assets only and return its header, body and script."""
    figure = m.get_root()
    localize(figure)
    figure.render()
    external = external_links(figure, static_prefix=url_for("static", filename=""))
    if external:
        raise UnknownAsset(f"the map links assets outside web/static: {external}")
    return MapParts(header=with_nonce(figure.header.render()), html=with_nonce(figure.html.render()),
                    script=Markup(figure.script.render()))
