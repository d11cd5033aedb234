"""Layers: read features (``features``), import them (``imports``), the areas a dispatcher draws (``zones``)."""
from ...ingest.mapping import Mapping, load_mapping, parse_pairs  # an import's column mapping, for the CLI
from .features import (MAX_PAGE, GeoJSONPage, LayerPage, layer_feature, layer_features, layer_geojson_page,
                       layer_spec, map_layers, parse_bbox, visible_layers)
from .tiles import TileLayer, check_tile, layer_tile, tile_layer, tile_layer_names
from .imports import ImportResult, import_frame, import_layer, import_source
from .zones import draw_emergency_area, draw_patrol_zone
