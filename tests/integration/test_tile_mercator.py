"""The incident tiles read the stored Web Mercator coordinates (migration 0014) and hold exactly the
cells and points that transforming every point in the tile gives (the statement before 0014)."""
from __future__ import annotations

import math
import random
from datetime import datetime, timezone

import mapbox_vector_tile
from sqlalchemy import func, select, text, true

from geo.db import tiles
from geo.db.models import Incident

WHEN = datetime(2026, 11, 1, 16, 0, tzinfo=timezone.utc)
CENTRE = (76.93, 43.25)
# The tile statement before the stored coordinates: each picked point transformed to EPSG:3857.
TRANSFORMED = """
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS env,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4326) AS wide
),
picked AS (
    SELECT incident.id, incident.category, incident.source, incident.occurred_at, ST_Transform(incident.geom, 3857) AS geom
    FROM incident, bounds WHERE incident.geom && bounds.wide
),
points AS (
    SELECT id, category, source, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at,
           1 AS count, geom FROM picked WHERE :z >= :points_zoom
),
cells AS (
    SELECT NULL::integer AS id, NULL::text AS category, NULL::text AS source, NULL::text AS occurred_at, count(*)::integer AS count,
           ST_SetSRID(ST_MakePoint((floor(ST_X(geom) / :cell) + 0.5) * :cell,
                                   (floor(ST_Y(geom) / :cell) + 0.5) * :cell), 3857) AS geom
    FROM picked WHERE :z < :points_zoom GROUP BY floor(ST_X(geom) / :cell), floor(ST_Y(geom) / :cell)
),
features AS (
    SELECT id, category, source, occurred_at, count, ST_AsMVTGeom(f.geom, bounds.env, 4096, 64, true) AS geom
    FROM (SELECT * FROM points UNION ALL SELECT * FROM cells) AS f, bounds
)
SELECT ST_AsMVT(features.*, 'incident', 4096, 'geom') FROM features WHERE geom IS NOT NULL
"""


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def features(data: bytes) -> list:
    layers = mapbox_vector_tile.decode(bytes(data or b""))
    found = layers.get("incident", {"features": []})["features"]
    return sorted((tuple(sorted(f["properties"].items())), str(f["geometry"]["coordinates"])) for f in found)


def test_stored_mercator_is_the_transform_of_the_point(session):
    session.add(Incident(occurred_at=WHEN, category="theft", geom=func.ST_SetSRID(func.ST_MakePoint(*CENTRE), 4326)))
    session.commit()
    x, y, tx, ty = session.execute(select(Incident.merc_x, Incident.merc_y,
                                          func.ST_X(func.ST_Transform(Incident.geom, 3857)),
                                          func.ST_Y(func.ST_Transform(Incident.geom, 3857)))).one()
    assert (x, y) == (tx, ty)
    assert abs(x - 8563700) < 1000 and abs(y - 5349000) < 2000


def test_tiles_from_stored_coordinates_equal_the_transformed_tiles(session):
    rng = random.Random(13)
    rows = [Incident(occurred_at=WHEN, category=rng.choice(["theft", "fight"]),
                     geom=func.ST_SetSRID(func.ST_MakePoint(CENTRE[0] + rng.gauss(0, 0.03),
                                                            CENTRE[1] + rng.gauss(0, 0.02)), 4326))
            for _ in range(3000)]
    session.add_all(rows)
    session.commit()
    compared = cells = 0
    for z in (9, 11, 12, 13, 14, 15, 16):
        cx, cy = tile_of(*CENTRE, z)
        for x in range(cx - 1, cx + 2):  # the centre's tile and its neighbours: points near every edge
            for y in range(cy - 1, cy + 2):
                cell = 2 * tiles.HALF_WORLD / 2 ** z / 256 * 32
                ours = tiles.tile(session, "incident", None, z, x, y, visible=true(), points_zoom=16, cell_px=32)
                theirs = session.execute(text(TRANSFORMED), {"z": z, "x": x, "y": y, "points_zoom": 16,
                                                             "cell": cell}).scalar()
                assert features(ours) == features(theirs), (z, x, y)
                compared += 1
                cells += len(features(ours))
    assert compared == 63 and cells > 500
