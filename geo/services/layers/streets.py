"""Streets from a file: its lines become routing segments and replace the stored ones in its area.

The area is the convex hull of the file's lines (EPSG:4326): every stored segment lying wholly
inside it (its boundary included) is deleted, whether the demo's or an earlier import's; segments
that reach out of it are kept, so streets beyond the file's area stay joined to the rest. All in the
caller's transaction, with the import. Multi-part lines are stored part by part, each with its
length on the spheroid (as the demo's are). ``one_way`` (the drawn direction) and ``speed_kmh``
are kept for routing by vehicle; walking distances (the planner's) ignore both.
"""
from __future__ import annotations

from dataclasses import replace

import numpy as np
import shapely
from sqlalchemy.orm import Session

from ...analysis.network import spheroid_lengths_m
from ...db import network as db
from ...ingest.validate import Prepared


def segments_replacing(session: Session, prepared: Prepared) -> tuple[Prepared, int]:
    """The rows of ``prepared`` (validated street lines) as one row per line part with its
    ``length_m``, after deleting the stored segments inside the lines' convex hull; and how many
    were deleted."""
    parts, row_of = shapely.get_parts(prepared.geometry, return_index=True)
    hull = shapely.convex_hull(shapely.multilinestrings(parts))
    replaced = db.delete_segments_within(session, hull)
    columns = {name: [values[i] for i in row_of] for name, values in prepared.columns.items()}
    columns["length_m"] = [float(v) for v in spheroid_lengths_m(parts)]
    return replace(prepared, columns=columns, geometry=np.asarray(parts, dtype=object), count=len(parts)), replaced
