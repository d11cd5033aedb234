"""Layers as GeoJSON, filtered by bbox and paged."""
from __future__ import annotations

from flask import jsonify, request, url_for

from geo import services

from ..auth import current_principal
from ..db import get_session
from ..geojson import feature_collection, geojson_response
from . import bp
from .bodies import arg

DEFAULT_LIMIT = 1000


@bp.get("/layers")
def list_layers():
    """The layers the signed-in user may read, with their fields and geometry type."""
    return jsonify({"layers": [
        {"name": s.name, "title": s.title, "geometry": s.geometry, "item": s.item,
         "fields": [f.name for f in s.fields],
         "href": url_for("api.layer_items", layer=s.name, _external=False)}
        for s in services.visible_layers(viewer=current_principal())
    ]})


@bp.get("/layers/<layer>")
def layer_items(layer: str):
    """GeoJSON of one layer; ``bbox=minlon,minlat,maxlon,maxlat``, ``limit``, ``offset``."""
    limit = arg("limit", "count")
    limit = DEFAULT_LIMIT if limit is None else limit
    offset = arg("offset", "count") or 0
    bbox = request.args.get("bbox") or None
    page = services.layer_features(get_session(), layer, viewer=current_principal(), bbox=bbox, limit=limit,
                                   offset=offset)
    returned = len(page.frame)
    links = []
    if offset + returned < page.matched:
        args = {k: v for k, v in request.args.items() if k != "offset"}
        links.append({"rel": "next", "type": "application/geo+json",
                      "href": url_for("api.layer_items", layer=layer, offset=offset + returned, **args)})
    return geojson_response(feature_collection(page.frame, numberMatched=page.matched,
                                               numberReturned=returned, links=links))


@bp.get("/layers/<layer>/<int:feature_id>")
def layer_item(layer: str, feature_id: int):
    """One feature of a layer as GeoJSON; 404 when there is none or the user may not see it."""
    page = services.layer_feature(get_session(), layer, feature_id, viewer=current_principal())
    return geojson_response(feature_collection(page.frame)["features"][0])
