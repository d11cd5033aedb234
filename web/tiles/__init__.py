"""Vector tiles of the layers (``/tiles/<layer>/<z>/<x>/<y>.mvt``) and a TileJSON document per layer.

Signed in as for the API (``web.auth.require_login``, ``current_principal``): a tile holds what
its viewer may see, so it is cached privately (in the browser, and per viewer in the worker for the
same lifetime: ``TileCache``). Field-report tiles take the filter of the page that draws them
(``?since=<ISO time>``: reported from then on), so its map and list hold the same reports. The ETag is a hash of the tile's bytes; a client
sending it back in ``If-None-Match`` gets 304. A tile with no feature answers 204.
"""
from __future__ import annotations

import gzip
import hashlib
import time
from collections import OrderedDict
from threading import Lock

from flask import Blueprint, Response, current_app, jsonify, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _

from geo import services
from geo.errors import InvalidInput
from geo.messages import N_, Message

from ..api.bodies import arg
from ..auth import current_principal
from ..config import settings
from ..db import get_session

bp = Blueprint("tiles", __name__, url_prefix="/tiles")
MVT = "application/vnd.mapbox-vector-tile"
CACHED_TILES = 4096  # tiles each worker keeps (a few MB: most tiles are a few KB)


class TileCache:
    """Tiles already built, per viewer, for ``max_age`` seconds (the ``Cache-Control`` lifetime the
    browser is told too), the oldest dropped past ``CACHED_TILES``: a warm tile costs no query."""

    def __init__(self) -> None:
        self._tiles: OrderedDict[tuple, tuple[float, bytes]] = OrderedDict()
        self._lock = Lock()

    def get(self, key: tuple, max_age: float, build) -> bytes:
        now = time.monotonic()
        with self._lock:
            hit = self._tiles.get(key)
            if hit is not None and now - hit[0] < max_age:
                self._tiles.move_to_end(key)
                return hit[1]
        data = build()
        with self._lock:
            self._tiles[key] = (now, data)
            self._tiles.move_to_end(key)
            while len(self._tiles) > CACHED_TILES:
                self._tiles.popitem(last=False)
        return data


def _cache() -> TileCache:
    return current_app.extensions.setdefault("kuzet_tile_cache", TileCache())


def _number(value: str, name: str) -> int:
    if not value.isascii() or not value.isdigit() or len(value) > 9:
        raise InvalidInput(Message("web.tiles.whole-number-most",
                                   N_("%(name)s must be a whole number of at most 9 digits"), name=name))
    return int(value)


@bp.get("/<layer>/<z>/<x>/<y>.mvt")
def tile(layer: str, z: str, x: str, y: str):
    """One tile of a layer: 404 for a layer that is none, 400 for a z/x/y outside the grid or a bad filter."""
    config = settings().tiles
    z, x, y = _number(z, "z"), _number(x, "x"), _number(y, "y")
    since = arg("since", "moment")
    viewer = current_principal()
    locale = str(get_locale())
    data = _cache().get((layer, z, x, y, viewer.user_id, locale, since), config.max_age_s,
                        lambda: services.layer_tile(get_session(), layer, z, x, y, viewer=viewer, config=config,
                                                    locale=locale, since=since))
    return _tile_response(data, config.max_age_s)


@bp.get("/analysis/<run_id>/<z>/<x>/<y>.mvt")
def analysis_tile(run_id: str, z: str, x: str, y: str):
    """One tile of a stored run's drawn cells (layer ``analysis``): read as the run is (404 for no run)."""
    config = settings().tiles
    run, z, x, y = _number(run_id, "run"), _number(z, "z"), _number(x, "x"), _number(y, "y")
    viewer = current_principal()
    # A stored run never changes, so its tiles are cached as the layers' are.
    data = _cache().get(("analysis", run, z, x, y, viewer.user_id), config.max_age_s,
                        lambda: services.run_tile(get_session(), run, z, x, y, viewer=viewer, config=config))
    return _tile_response(data, config.max_age_s)


def _tile_response(data: bytes, max_age_s: int) -> Response:
    """A tile's answer: 304 for its ETag, 204 when empty, gzip when the client accepts it. Names in
    the layers' tiles follow the reader's language, hence Vary on Cookie and Accept-Language."""
    etag = hashlib.sha256(data).hexdigest()[:32]
    headers = {"Cache-Control": f"private, max-age={max_age_s}", "Vary": "Accept-Encoding, Cookie, Accept-Language",
               "ETag": f'"{etag}"'}
    if etag in request.if_none_match:
        return Response(status=304, headers=headers)
    if not data:
        return Response(status=204, headers=headers)
    if "gzip" in request.accept_encodings:
        data = gzip.compress(data, compresslevel=5)
        headers["Content-Encoding"] = "gzip"
    return Response(data, mimetype=MVT, headers=headers)


@bp.get("/<layer>.json")
def tilejson(layer: str):
    """The TileJSON 3.0.0 document of one layer (absolute tile URL, zooms, bounds, fields)."""
    config = settings().tiles
    described = services.tile_layer(get_session(), layer, viewer=current_principal())
    template = url_for("tiles.tile", layer=layer, z=0, x=0, y=0, _external=True).replace("/0/0/0.mvt",
                                                                                         "/{z}/{x}/{y}.mvt")
    doc = {"tilejson": "3.0.0", "name": _(described.title), "scheme": "xyz", "tiles": [template],
           "minzoom": config.min_zoom, "maxzoom": config.max_zoom,
           "vector_layers": [{"id": described.name, "description": _(described.title),
                              "fields": described.fields, "minzoom": config.min_zoom, "maxzoom": config.max_zoom}]}
    if described.bounds is not None:
        doc["bounds"] = list(described.bounds)
    if described.counted:
        doc["description"] = (f"below zoom {config.points_zoom} features are cells of {config.cell_px} px "
                              "with the number of rows in each (count); from it on, the rows as points")
    return jsonify(doc)
