"""Layers: read pages of features for the API and the map (importing is in ``imports``).

Reading obeys ``geo.access``: police staff see every layer whole; a leader sees districts and
police units, their own formation and the targets of their formation's assignments, and no
incidents at all (Forbidden).
"""
from __future__ import annotations

from ...access import POLICE_STAFF, PUBLIC_LAYERS, Principal, may, require
from ...db import layer_geojson, layer_reads, scopes
from ...db.layer_geojson import GeoJSONPage
from ...db.layer_reads import LayerPage
from ...errors import InvalidInput, NotFound
from ...layers import LAYERS, LayerSpec
from ...messages import N_, Message
from ...visibility import Scope, scope_of

MAX_PAGE = 10_000


def layer_spec(name: str) -> LayerSpec:
    """The layer called ``name``; NotFound names the layers that exist."""
    try:
        return LAYERS[name]
    except KeyError:
        raise NotFound(Message("features.no-layer-layers-are",
                               N_("no layer %(name)r; layers are: %(LAYERS)s"),
                               name=name, LAYERS=', '.join(LAYERS))) from None


def _scope(viewer: Principal, spec: LayerSpec) -> Scope:
    """Which rows of ``spec`` the viewer sees; Forbidden for incidents outside the police staff."""
    if spec.name == "incident":
        require(viewer, *POLICE_STAFF)
    if may(viewer, POLICE_STAFF) or spec.name in PUBLIC_LAYERS:
        return Scope(everything=True)
    return scope_of(viewer)


def visible_layers(*, viewer: Principal) -> list[LayerSpec]:
    """The layers of the catalogue the viewer may read (incidents only for the police staff)."""
    return [spec for spec in LAYERS.values() if spec.name != "incident" or may(viewer, POLICE_STAFF)]


def layer_features(session, layer: str, *, viewer: Principal, bbox=None, limit: int = 1000,
                   offset: int = 0, locale: str | None = None, simplify_m: float | None = None) -> LayerPage:
    """One page of the features of a layer ``viewer`` may see, optionally within a bbox (lon/lat);
    places named in ``locale``'s language where they have a name in it; lines and polygons
    simplified within ``simplify_m`` metres for a map's drawing."""
    spec = layer_spec(layer)
    visible = scopes.layer_visible(spec.table, _scope(viewer, spec))
    _check_page(limit, offset)
    if bbox is not None:
        bbox = parse_bbox(bbox)
    return layer_reads.layer_page(session, spec, bbox=bbox, limit=limit, offset=offset, visible=visible,
                                  locale=locale, simplify_m=simplify_m)


def layer_geojson_page(session, layer: str, *, viewer: Principal, bbox=None, limit: int = 1000,
                       after: int | None = None, offset: int = 0, count: bool = False,
                       locale: str | None = None) -> GeoJSONPage:
    """One page of the features of a layer ``viewer`` may see, as GeoJSON texts built by PostGIS.

    Pages follow one another by id: the next page starts ``after`` the last id of this one
    (``GeoJSONPage.next_after``), which costs the same at any depth. ``offset`` skips features after
    that (a scan of every skipped row: slow deep into a large layer). ``count`` asks for the exact
    number of matching features; without it the page carries that number when it is cheap (this
    first page holds them all, or the planner expects a few thousand at most), else the planner's
    estimate. Places are named in ``locale``'s language where they have a name in it.
    """
    spec = layer_spec(layer)
    visible = scopes.layer_visible(spec.table, _scope(viewer, spec))
    _check_page(limit, offset)
    if after is not None and after < 0:
        raise InvalidInput(Message("collections.after-not-negative", N_("after must not be negative")))
    if bbox is not None:
        bbox = parse_bbox(bbox)
    return layer_geojson.geojson_page(session, spec, limit=limit, after=after, offset=offset, bbox=bbox,
                                      visible=visible, count=count, locale=locale)


def _check_page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput(Message("collections.limit-between",
                                   N_("limit must be between 1 and %(MAX_PAGE)s"),
                                   MAX_PAGE=MAX_PAGE))
    if offset < 0:
        raise InvalidInput(Message("features.offset-not-negative", N_("offset must not be negative")))


def layer_feature(session, layer: str, feature_id: int, *, viewer: Principal,
                  locale: str | None = None) -> LayerPage:
    """One feature of a layer; NotFound when there is none or ``viewer`` may not see it."""
    spec = layer_spec(layer)
    visible = scopes.layer_visible(spec.table, _scope(viewer, spec))
    page = layer_reads.layer_page(session, spec, limit=1, visible=visible, feature_id=feature_id, locale=locale)
    if page.frame.empty:
        raise NotFound(Message("features.no-feature", N_("no %(layer)s %(feature_id)s"),
                               layer=spec.name.replace("_", " "), feature_id=feature_id))
    return page


def parse_bbox(value) -> tuple[float, float, float, float]:
    """``"minlon,minlat,maxlon,maxlat"`` (or a 4-sequence) checked for order and range."""
    parts = value.split(",") if isinstance(value, str) else list(value)
    if len(parts) != 4:
        raise InvalidInput(Message("features.bbox-needs-four",
                                   N_("bbox needs four numbers: minlon,minlat,maxlon,maxlat")))
    try:
        minx, miny, maxx, maxy = (float(p) for p in parts)
    except (TypeError, ValueError):
        raise InvalidInput(Message("features.bbox-values-numbers",
                                   N_("bbox values must be numbers: minlon,minlat,maxlon,maxlat"))) from None
    if not (-180 <= minx <= 180 and -180 <= maxx <= 180 and -90 <= miny <= 90 and -90 <= maxy <= 90):
        raise InvalidInput(Message("features.bbox-outside-longitude",
                                   N_("bbox is outside longitude -180..180 / latitude -90..90")))
    if minx > maxx or miny > maxy:
        raise InvalidInput(Message("collections.bbox-minimum-greater", N_("bbox minimum is greater than its maximum")))
    return minx, miny, maxx, maxy


def map_layers(session, *, viewer: Principal, limit: int, skip: tuple[str, ...] = (),
               locale: str | None = None, counted: tuple[str, ...] = (),
               simplify_m: float | None = None) -> dict[str, LayerPage]:
    """Every layer ``viewer`` may read but those in ``skip`` (drawn from vector tiles), for the
    overview map: at most ``limit`` features each; of the layers in ``counted`` (drawn from vector
    tiles too, their legend saying how many there are) the count and one feature.

    Each frame also gets a column named after each ``ref`` field (``district``, ``police_unit``,
    ``notified_unit``) holding the referenced row's name, so a map can show names, not ids; names
    are in ``locale``'s language where a place has one. ``simplify_m``: lines and polygons
    simplified within so many metres (the map draws them; nothing is computed with them).
    """
    names: dict[str, dict[int, str]] = {}
    pages = {}
    for spec in visible_layers(viewer=viewer):
        if spec.name in skip:
            continue
        page = layer_features(session, spec.name, viewer=viewer, limit=1 if spec.name in counted else limit,
                              locale=locale, simplify_m=simplify_m)
        for f in spec.fields:
            if f.type == "ref":
                if f.ref not in names:
                    names[f.ref] = layer_reads.names_by_id(session, layer_spec(f.ref), locale=locale)
                page.frame[f.name] = page.frame[f.column].map(names[f.ref])
        pages[spec.name] = page
    return pages
