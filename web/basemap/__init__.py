"""The offline basemap's vector tiles and TileJSON, drawn from kuzet's own OSM data.

The paths begin with the static segment ``basemap``, so they never clash with the data layers'
``/tiles/<layer>/...``. Like every page they need a signed-in user (the login page shows no map).
"""
from __future__ import annotations

import gzip
import hashlib

from flask import Blueprint, Response, jsonify, request, url_for
from flask_babel import get_locale

from geo import services

from ..db import get_session

bp = Blueprint("basemap", __name__, url_prefix="/tiles")

MVT_TYPE = "application/vnd.mapbox-vector-tile"
# Geography changes only when a deployment loads new data; a day is short enough for that.
CACHE_CONTROL = "private, max-age=86400"
ATTRIBUTION = "© OpenStreetMap contributors"
GZIP_FROM_BYTES = 256


@bp.get("/basemap/<int:z>/<int:x>/<int:y>.mvt")
def tile(z: int, x: int, y: int):
    """One basemap tile (Mapbox vector tile; gzip when the client accepts it); 304 when unchanged."""
    body = services.basemap_tile(get_session(), z, x, y, locale=str(get_locale()))
    etag = hashlib.sha256(body).hexdigest()[:32]
    response = Response(status=200, mimetype=MVT_TYPE)
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.vary.add("Accept-Encoding")
    # the names are in the reader's language, chosen by the account, a cookie or Accept-Language
    response.vary.add("Cookie")
    response.vary.add("Accept-Language")
    if request.if_none_match.contains(etag):
        response.status_code = 304
        return response
    if len(body) >= GZIP_FROM_BYTES and "gzip" in request.accept_encodings:
        body = gzip.compress(body, compresslevel=6, mtime=0)
        response.headers["Content-Encoding"] = "gzip"
    response.set_data(body)
    return response


@bp.get("/basemap.json")
def tilejson():
    """The basemap's TileJSON 3.0 document: tile URL, zooms, bounds and its vector layers."""
    extent = services.basemap_extent(get_session())
    template = url_for("basemap.tile", z=0, x=0, y=0, _external=True).replace("/0/0/0.mvt", "/{z}/{x}/{y}.mvt")
    document = {
        "tilejson": "3.0.0",
        "name": "kuzet basemap",
        "attribution": ATTRIBUTION,
        "scheme": "xyz",
        "tiles": [template],
        "minzoom": 0,
        "maxzoom": services.basemap.MAX_ZOOM,
        "vector_layers": [
            {"id": "water", "fields": {"kind": "String", "name": "String"}},
            {"id": "parks", "fields": {"kind": "String", "name": "String"}},
            {"id": "railways", "fields": {"kind": "String"}},
            {"id": "streets", "fields": {"class": "String", "name": "String"}},
            {"id": "districts", "fields": {"name": "String"}},
        ],
    }
    if extent is not None:
        document["bounds"] = list(extent)
        document["center"] = [(extent[0] + extent[2]) / 2, (extent[1] + extent[3]) / 2, 12]
    response = jsonify(document)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response
