"""Layers as GeoJSON, filtered by bbox and paged by id: each page links the next with an absolute URL
(``links`` rel ``next``, and the HTTP ``Link`` header), as OGC API Features pages do."""
from __future__ import annotations

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from geo import services

from ..auth import current_principal
from ..formats import reader_locale
from ..db import get_session, stream_session
from ..geojson import feature_collection, geojson_response, streamed_collection
from . import bp
from .bodies import arg, flag

DEFAULT_LIMIT = 1000
GEOJSON = "application/geo+json"


@bp.get("/layers")
def list_layers():
    """The layers the signed-in user may read, with their fields and geometry type."""
    return jsonify({"layers": [
        {"name": s.name, "title": _(s.title), "geometry": s.geometry, "item": s.item,
         "fields": [f.name for f in s.fields],
         "href": url_for("api.layer_items", layer=s.name, _external=False),
         "links": [{"rel": "items", "type": GEOJSON,
                    "href": url_for("api.layer_items", layer=s.name, _external=True)}]}
        for s in services.visible_layers(viewer=current_principal())
    ]})


@bp.get("/layers/<layer>")
def layer_items(layer: str):
    """GeoJSON of one layer a page at a time: ``bbox``, ``limit``, ``after`` (from links.next), ``count``."""
    limit = arg("limit", "count")
    page = services.layer_geojson_page(get_session(), layer, viewer=current_principal(),
                                       bbox=request.args.get("bbox") or None,
                                       limit=DEFAULT_LIMIT if limit is None else limit, after=arg("after", "count"),
                                       offset=arg("offset", "count") or 0, count=flag("count"),
                                       locale=reader_locale())
    links, headers = [], {}
    if page.next_after is not None:
        # Only the page's own parameters go on: the next page needs no count, nor any offset.
        carried = {name: request.args[name] for name in ("bbox", "limit") if request.args.get(name)}
        href = url_for("api.layer_items", layer=layer, after=page.next_after, _external=True, **carried)
        links.append({"rel": "next", "type": GEOJSON, "href": href})
        headers["Link"] = f'<{href}>; rel="next"; type="{GEOJSON}"'

    def members(returned: int) -> dict:
        counted = ({"numberMatched": page.matched} if page.matched is not None
                   else {"numberMatchedEstimate": page.matched_estimate})
        return {"numberReturned": returned, **counted, "links": links}

    return streamed_collection(page.features, members, headers=headers, on_close=stream_session())


@bp.get("/layers/<layer>/<int:feature_id>")
def layer_item(layer: str, feature_id: int):
    """One feature of a layer as GeoJSON; 404 when there is none or the user may not see it."""
    page = services.layer_feature(get_session(), layer, feature_id, viewer=current_principal(),
                                  locale=reader_locale())
    return geojson_response(feature_collection(page.frame)["features"][0])
