"""GeoJSON responses: built from GeoDataFrames, or streamed from features PostGIS wrote as GeoJSON."""
from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator

import geopandas as gpd
from flask import Response


def feature_collection(frame: gpd.GeoDataFrame, **members) -> dict:
    """A FeatureCollection dict with ``id`` as feature id; extra top-level members appended."""
    frame = frame.copy()
    for col in frame.columns:
        if col != frame.geometry.name and isinstance(frame[col].dtype, gpd.array.GeometryDtype):
            frame[col] = frame[col].to_wkt()
    collection = json.loads(frame.to_json(na="null", show_bbox=False, drop_id=False, to_wgs84=False,
                                          default=str)) if len(frame) else {"type": "FeatureCollection",
                                                                               "features": []}
    for feature in collection["features"]:
        feature["id"] = feature["properties"].get("id", feature.get("id"))
    collection.update(members)
    return collection


def geojson_response(collection: dict, status: int = 200) -> Response:
    return Response(json.dumps(collection, ensure_ascii=False, default=str), status=status,
                    mimetype="application/geo+json")


# Bytes gathered before a streamed collection hands a chunk to the server.
STREAM_CHUNK = 64 * 1024


def streamed_collection(features: Iterable[str], members: Callable[[int], dict], *,
                        headers: dict[str, str] | None = None, on_close: Callable[[], None] | None = None) -> Response:
    """A FeatureCollection streamed as it is read: ``features`` are GeoJSON texts of Features;
    ``members(returned)`` gives the top-level members written after them (``numberReturned``, links),
    once the features are counted.

    The body is read after the view returns, so what ``features`` reads from must stay open until
    then: ``on_close`` releases it (``web.db.stream_session``) when the features run out, or when the
    server closes the response (a client that went away).
    """

    def body() -> Iterator[str]:
        try:
            chunk, size, returned = ['{"type": "FeatureCollection", "features": ['], 0, 0
            for text in features:
                chunk.append("," + text if returned else text)
                returned += 1
                size += len(text)
                if size >= STREAM_CHUNK:
                    yield "".join(chunk)
                    chunk, size = [], 0
        finally:
            if on_close is not None:
                on_close()
        tail = json.dumps(members(returned), ensure_ascii=False, default=str)
        chunk.append("]" + ("}" if tail == "{}" else ", " + tail[1:]))
        yield "".join(chunk)

    response = Response(body(), mimetype="application/geo+json", headers=headers)
    if on_close is not None:
        response.call_on_close(on_close)
    return response
