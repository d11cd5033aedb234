"""GeoJSON responses built from GeoDataFrames."""
from __future__ import annotations

import json

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
