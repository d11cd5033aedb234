"""Use cases, one function each, called alike by the web app, the CLI and notebooks.

Each takes a SQLAlchemy ``Session`` and never commits: the caller commits once.
"""
from .dispatch import (AssignmentRequest, assign_formation, build_facts, cancel_assignment, candidate_formations,
                       confirm_assignment, reject_assignment, supervising_officers, update_assignment)
from .layers import (MAX_PAGE, ImportResult, import_frame, import_layer, import_source, layer_features,
                     layer_spec, map_layers, parse_bbox)

__all__ = ["AssignmentRequest", "assign_formation", "build_facts", "cancel_assignment", "candidate_formations",
           "confirm_assignment", "reject_assignment", "supervising_officers", "update_assignment",
           "MAX_PAGE", "ImportResult", "import_frame", "import_layer", "import_source", "layer_features",
           "layer_spec", "map_layers", "parse_bbox"]
