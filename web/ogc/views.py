"""The OGC API Features resources: landing page, conformance, collections, items, queryables."""
from __future__ import annotations

import json
from datetime import datetime, timezone

from flask import jsonify, request, url_for
from flask_babel import gettext as _

from geo.errors import InvalidInput
from geo.layers import LayerSpec
from geo.messages import N_, Message
from geo.services.layers import collections as oapif

from ..auth import current_principal
from ..formats import reader_locale
from ..db import get_session, stream_session
from ..geojson import streamed_collection
from . import bp
from .openapi import document

JSON = "application/json"
GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA = "application/schema+json"
CONFORMANCE = (
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables",
    "http://www.opengis.net/spec/ogcapi-features-3/1.0/conf/queryables-query-parameters",
)
GEOMETRY_FORMATS = {"Point": "geometry-point", "LineString": "geometry-linestring", "Polygon": "geometry-polygon",
                    "MultiPolygon": "geometry-multipolygon", "Geometry": "geometry-any"}
JSON_TYPES = {"int": "integer", "bigint": "integer", "ref": "integer", "float": "number", "bool": "boolean",
              "text": "string"}


@bp.before_request
def only_json():
    """``f=json`` (or nothing) is the one format served; another ``f`` is a 400."""
    if request.args.get("f", "json") != "json":
        raise InvalidInput(Message("web.ogc.not-served-json",
                                   N_("f=%(f)s is not served; use f=json"), f=request.args["f"]))


def _link(rel: str, href: str, type_: str = JSON, title: str | None = None) -> dict:
    return {"rel": rel, "type": type_, "href": href, **({"title": title} if title else {})}


@bp.get("/")
def landing():
    """The landing page: links to the API definition, the conformance classes and the collections."""
    return jsonify({
        "title": "kuzet", "description": _("The layers of kuzet as OGC API Features"),
        "links": [_link("self", url_for("ogc.landing", _external=True), title=_("This document")),
                  _link("service-desc", url_for("ogc.api", _external=True), OPENAPI, _("The API definition")),
                  _link("conformance", url_for("ogc.conformance", _external=True), title=_("Conformance classes")),
                  _link("data", url_for("ogc.collections", _external=True), title=_("The collections"))],
    })


@bp.get("/api")
def api():
    """The OpenAPI 3.0 definition of these endpoints."""
    response = jsonify(document(url_for("ogc.landing", _external=True).rstrip("/")))
    response.mimetype = OPENAPI
    return response


@bp.get("/conformance")
def conformance():
    """The conformance classes this API implements."""
    return jsonify({"conformsTo": list(CONFORMANCE)})


def _collection(spec: LayerSpec) -> dict:
    extent = oapif.collection_extent(get_session(), spec, viewer=current_principal())
    links = [_link("self", url_for("ogc.collection", name=spec.name, _external=True), title=_(spec.title)),
             _link("items", url_for("ogc.items", name=spec.name, _external=True), GEOJSON, _(spec.title)),
             _link("http://www.opengis.net/def/rel/ogc/1.0/queryables",
                   url_for("ogc.queryables", name=spec.name, _external=True), SCHEMA, _("Queryables"))]
    described = {"id": spec.name, "title": _(spec.title), "itemType": "feature", "links": links,
                 "crs": list(oapif.SUPPORTED_CRS), "storageCrs": oapif.CRS84}
    if extent is not None:
        described["extent"] = {"spatial": {"bbox": [list(extent)], "crs": oapif.CRS84}}
    return described


@bp.get("/collections")
def collections():
    """The collections the caller may read."""
    return jsonify({
        "links": [_link("self", url_for("ogc.collections", _external=True))],
        "collections": [_collection(s) for s in oapif.collections(viewer=current_principal())],
        "crs": list(oapif.SUPPORTED_CRS),
    })


@bp.get("/collections/<name>")
def collection(name: str):
    """One collection's description."""
    return jsonify(_collection(oapif.collection(name, viewer=current_principal())))


@bp.get("/collections/<name>/queryables")
def queryables(name: str):
    """The JSON Schema of the properties items can be filtered on (``?name=value``)."""
    spec = oapif.collection(name, viewer=current_principal())
    properties = {"geometry": {"format": GEOMETRY_FORMATS[spec.geometry], "x-ogc-role": "primary-geometry"}}
    for f in oapif.queryable_fields(spec):
        properties[f.name] = {"title": f.name, "type": JSON_TYPES[f.type], **({"enum": list(f.choices)}
                                                                            if f.choices else {})}
    if (fields := oapif.temporal(spec)) is not None:
        for field_name in dict.fromkeys(fields):
            properties[field_name] = {"title": field_name, "type": "string", "format": "date-time",
                                      "x-ogc-role": "primary-instant" if fields[0] == fields[1] else
                                      ("primary-interval-start" if field_name == fields[0]
                                       else "primary-interval-end")}
    response = jsonify({"$schema": "https://json-schema.org/draft/2019-09/schema",
                        "$id": url_for("ogc.queryables", name=name, _external=True),
                        "type": "object", "title": _(spec.title), "properties": properties,
                        "additionalProperties": False})
    response.mimetype = SCHEMA
    return response


def _whole_number(name: str) -> int | None:
    text = request.args.get(name)
    if text is None:
        return None
    try:
        return int(text)
    except ValueError:
        raise InvalidInput(Message("request.whole-number",
                                   N_("%(name)s must be a whole number"), name=name)) from None


@bp.get("/collections/<name>/items")
def items(name: str):
    """A page of a collection's features: ``bbox``, ``bbox-crs``, ``datetime``, ``limit``, ``crs``,
    property filters; the next page by its ``next`` link."""
    filters = {k: v for k, v in request.args.items() if k not in oapif.ITEM_PARAMETERS}
    result = oapif.collection_items(get_session(), name, viewer=current_principal(),
                                    bbox=request.args.get("bbox"), bbox_crs=request.args.get("bbox-crs"),
                                    datetime_=request.args.get("datetime"), limit=_whole_number("limit"),
                                    after=_whole_number("after"), crs=request.args.get("crs"), filters=filters,
                                    locale=reader_locale())
    page = result.page
    here = {k: v for k, v in request.args.items() if k != "after"}
    links = [_link("self", url_for("ogc.items", name=name, _external=True, **request.args), GEOJSON),
             _link("collection", url_for("ogc.collection", name=name, _external=True))]
    headers = {"Content-Crs": f"<{result.crs}>"}
    if page.next_after is not None:
        href = url_for("ogc.items", name=name, _external=True, **here, after=page.next_after)
        links.append(_link("next", href, GEOJSON, _("Next page")))
        headers["Link"] = f'<{href}>; rel="next"; type="{GEOJSON}"'
    stamp = datetime.now(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")

    def members(returned: int) -> dict:
        counted = {"numberMatched": page.matched} if page.matched is not None else {}
        return {"numberReturned": returned, **counted, "timeStamp": stamp, "links": links}

    return streamed_collection(page.features, members, headers=headers, on_close=stream_session())


@bp.get("/collections/<name>/items/<int:fid>")
def item(name: str, fid: int):
    """One feature."""
    text, crs = oapif.collection_item(get_session(), name, fid, viewer=current_principal(),
                                      crs=request.args.get("crs"), locale=reader_locale())
    feature = json.loads(text)
    feature["links"] = [_link("self", url_for("ogc.item", name=name, fid=fid, _external=True), GEOJSON),
                        _link("collection", url_for("ogc.collection", name=name, _external=True))]
    response = jsonify(feature)
    response.mimetype = GEOJSON
    response.headers["Content-Crs"] = f"<{crs}>"
    return response
