"""Layers: import and read features (``features``), and the areas a dispatcher draws (``zones``)."""
from .features import (MAX_PAGE, ImportResult, import_frame, import_layer, import_source, layer_feature,
                       layer_features, layer_spec, map_layers, parse_bbox, visible_layers)
from .zones import draw_emergency_area, draw_patrol_zone
