"""GeoJSON downloads: a whole layer the viewer may read, streamed as PostGIS writes it."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

from ...access import Principal
from ...db import exports, layer_reads, scopes
from ..layers.features import _scope, layer_spec, parse_bbox


@dataclass(frozen=True)
class GeoJSONDownload:
    """The Feature texts of a download (read once, as iterated) and the name to offer it under."""

    features: Iterator[str]
    filename: str


def layer_geojson_download(session, layer: str, *, viewer: Principal, bbox=None,
                           locale: str | None = None) -> GeoJSONDownload:
    """Every feature of ``layer`` the viewer may see (within ``bbox``, lon/lat), as the layer API's
    features but in one piece (places named in ``locale``'s language); NotFound for an unknown layer,
    Forbidden as the layer API."""
    spec = layer_spec(layer)
    visible = scopes.layer_visible(spec.table, _scope(viewer, spec))
    where = layer_reads.layer_filters(spec, bbox=parse_bbox(bbox) if bbox is not None else None, visible=visible)
    return GeoJSONDownload(exports.geojson_features(session, spec, where=where, locale=locale),
                           f"kuzet-{spec.name.replace('_', '-')}-{date.today().isoformat()}.geojson")
