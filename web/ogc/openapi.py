"""The OpenAPI 3.0 definition of /ogc, built for the server's own address (the landing page's
``service-desc``)."""
from __future__ import annotations

from geo.services.layers.collections import DEFAULT_LIMIT, SUPPORTED_CRS
from geo.services.layers.features import MAX_PAGE


def _parameter(name: str, description: str, schema: dict, *, where: str = "query", required: bool = False,
               **extra) -> dict:
    return {"name": name, "in": where, "required": required, "description": description, "schema": schema, **extra}


COLLECTION_ID = _parameter("collectionId", "The collection's id", {"type": "string"}, where="path", required=True)
FEATURE_ID = _parameter("featureId", "The feature's id", {"type": "integer"}, where="path", required=True)
CRS = _parameter("crs", "The CRS of the geometries returned (CRS84 by default)",
                 {"type": "string", "format": "uri", "enum": list(SUPPORTED_CRS)})
ITEM_PARAMETERS = [
    COLLECTION_ID,
    _parameter("limit", f"Features per page (at most {MAX_PAGE}; more is served as {MAX_PAGE})",
               {"type": "integer", "minimum": 1, "maximum": MAX_PAGE, "default": DEFAULT_LIMIT}, style="form",
               explode=False),
    _parameter("bbox", "minx,miny,maxx,maxy in bbox-crs (CRS84 by default)",
               {"type": "array", "minItems": 4, "maxItems": 4, "items": {"type": "number"}}, style="form",
               explode=False),
    _parameter("bbox-crs", "The CRS of bbox", {"type": "string", "format": "uri", "enum": list(SUPPORTED_CRS)}),
    _parameter("datetime", "An instant, or an interval start/end ('..' for an open end), RFC 3339",
               {"type": "string"}, style="form", explode=False),
    _parameter("after", "The id the page starts after (from the next link)", {"type": "integer", "minimum": 0}),
    CRS,
]
JSON_RESPONSE = {"200": {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}}
GEOJSON_RESPONSE = {"200": {"description": "OK", "content": {"application/geo+json": {"schema": {"type": "object"}}},
                            "headers": {"Content-Crs": {"schema": {"type": "string"}}}}}
ERRORS = {"400": {"description": "A bad parameter"}, "401": {"description": "No sign-in or a refused token"},
          "403": {"description": "The caller's role may not read this collection"},
          "404": {"description": "No such collection or feature"}}


def _get(operation_id: str, summary: str, responses: dict, parameters: list | None = None) -> dict:
    return {"get": {"operationId": operation_id, "summary": summary, "parameters": parameters or [],
                    "responses": {**responses, **ERRORS}}}


def document(base: str) -> dict:
    """The definition of the API served at ``base`` (e.g. ``http://127.0.0.1:5133/ogc``)."""
    return {
        "openapi": "3.0.3",
        "info": {"title": "kuzet OGC API Features", "version": "1.0.0"},
        "servers": [{"url": base}],
        "components": {"securitySchemes": {"token": {"type": "http", "scheme": "bearer"},
                                           "session": {"type": "apiKey", "in": "cookie", "name": "session"}}},
        "security": [{"token": []}, {"session": []}],
        "paths": {
            "/": _get("getLandingPage", "The landing page", JSON_RESPONSE),
            "/api": _get("getAPI", "This definition", JSON_RESPONSE),
            "/conformance": _get("getConformance", "The conformance classes", JSON_RESPONSE),
            "/collections": _get("getCollections", "The collections", JSON_RESPONSE),
            "/collections/{collectionId}": _get("describeCollection", "One collection", JSON_RESPONSE,
                                                [COLLECTION_ID]),
            "/collections/{collectionId}/queryables": _get("getQueryables", "Its queryables (JSON Schema)",
                                                           JSON_RESPONSE, [COLLECTION_ID]),
            "/collections/{collectionId}/items": _get("getFeatures", "A page of its features", GEOJSON_RESPONSE,
                                                      ITEM_PARAMETERS),
            "/collections/{collectionId}/items/{featureId}": _get("getFeature", "One feature", GEOJSON_RESPONSE,
                                                                  [COLLECTION_ID, FEATURE_ID, CRS]),
        },
    }
