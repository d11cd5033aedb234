"""The stored incident counts (``incident_cell``, migration 0018) stay equal to the incidents on every
kind of write, and the tiles summed from them are the tiles counted from the incidents."""
from __future__ import annotations

import math
import random
from datetime import datetime, timezone

import mapbox_vector_tile
import pytest
from sqlalchemy import delete, func, insert, select, text, true, update

from geo.db import tiles
from geo.db.models import Incident, IncidentCell

WHEN = datetime(2026, 11, 1, 16, 0, tzinfo=timezone.utc)
CENTRE = (76.93, 43.25)
COUNTED = text("""
    SELECT floor(merc_x / :cell)::integer AS ix, floor(merc_y / :cell)::integer AS iy, count(*) AS n
    FROM incident GROUP BY 1, 2 ORDER BY 1, 2
""")


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    return int((lon + 180) / 360 * n), int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)


def features(data: bytes) -> list:
    found = mapbox_vector_tile.decode(bytes(data or b"")).get("incident", {"features": []})["features"]
    return sorted((tuple(sorted(f["properties"].items())), str(f["geometry"]["coordinates"])) for f in found)


def stored(session) -> list[tuple[int, int, int]]:
    return [tuple(r) for r in session.execute(select(IncidentCell.ix, IncidentCell.iy, IncidentCell.count)
                                              .order_by(IncidentCell.ix, IncidentCell.iy))]


def counted(session) -> list[tuple[int, int, int]]:
    return [tuple(r) for r in session.execute(COUNTED, {"cell": tiles.CELL_M})]


def point(lon: float, lat: float):
    return func.ST_SetSRID(func.ST_MakePoint(lon, lat), 4326)


def ewkt(lon: float, lat: float) -> str:
    return f"SRID=4326;POINT({lon!r} {lat!r})"


def scattered(rng: random.Random, n: int) -> list[dict]:
    return [{"occurred_at": WHEN, "category": rng.choice(["theft", "fight"]),
             "geom": ewkt(CENTRE[0] + rng.gauss(0, 0.03), CENTRE[1] + rng.gauss(0, 0.02))} for _ in range(n)]


def test_the_stored_counts_follow_inserts_updates_deletes_and_truncate(session):
    rng = random.Random(5)
    session.add(Incident(occurred_at=WHEN, category="theft", geom=point(*CENTRE)))
    session.flush()
    session.execute(insert(Incident), scattered(rng, 400))  # one statement of many rows
    session.flush()
    assert stored(session) == counted(session) and sum(c for _x, _y, c in stored(session)) >= 401
    # moved across cells (an UPDATE of the point changes the stored Mercator coordinates)
    session.execute(update(Incident).where(Incident.id % 3 == 0)
                    .values(geom=func.ST_Translate(Incident.geom, 0.004, -0.003)))
    # an update that moves nothing leaves the counts alone
    session.execute(update(Incident).where(Incident.id % 5 == 0).values(category="robbery"))
    assert stored(session) == counted(session)
    session.execute(delete(Incident).where(Incident.id % 2 == 0))
    assert stored(session) == counted(session)
    assert all(c > 0 for _x, _y, c in stored(session))  # emptied cells are deleted
    session.execute(delete(Incident))
    assert stored(session) == []
    session.execute(insert(Incident), scattered(rng, 50))
    session.execute(text("TRUNCATE incident CASCADE"))
    assert stored(session) == []


def test_the_stored_counts_refuse_a_negative_count(session):
    with pytest.raises(Exception, match="incident_cell_count_not_negative"):
        with session.begin_nested():
            session.execute(insert(IncidentCell).values(ix=1, iy=1, count=-1))


def test_tiles_from_the_stored_counts_equal_the_counted_tiles(session):
    rng = random.Random(13)
    session.execute(insert(Incident), scattered(rng, 3000))
    # a few on the lines between cells of every zoom (the stored cells' own edges included), as
    # near as a point transformed back and forth lands
    session.execute(text("""
        INSERT INTO incident (occurred_at, category, geom)
        SELECT now(), 'theft', ST_Transform(ST_SetSRID(ST_MakePoint((56000 + 16 * j) * :cell,
                                                                    (34976 + 16 * j) * :cell), 3857), 4326)
        FROM generate_series(0, 9) AS j
    """), {"cell": tiles.CELL_M})
    session.execute(update(Incident).where(Incident.id % 4 == 0)
                    .values(geom=func.ST_Translate(Incident.geom, 0.01, 0.0)))
    session.execute(delete(Incident).where(Incident.id % 7 == 0))
    compared = cells = 0
    for z in (2, 9, 11, 12, 13, 14, 15):
        cx, cy = tile_of(*CENTRE, z)
        for x in range(cx - 1, cx + 2):
            for y in range(cy - 1, cy + 2):
                args = dict(visible=true(), points_zoom=16, cell_px=32)
                ours = tiles.tile(session, "incident", None, z, x, y, **args)
                theirs = tiles.tile(session, "incident", None, z, x, y, stored_cells=False, **args)
                assert features(ours) == features(theirs), (z, x, y)
                compared += 1
                cells += len(features(ours))
    assert compared == 63 and cells > 500
    # and they are read from the stored counts: a count changed there shows in the tile
    z, (x, y) = 11, tile_of(*CENTRE, 11)
    before = features(tiles.tile(session, "incident", None, z, x, y, visible=true(), points_zoom=16, cell_px=32))
    session.execute(update(IncidentCell).values(count=IncidentCell.count + 1))
    after = features(tiles.tile(session, "incident", None, z, x, y, visible=true(), points_zoom=16, cell_px=32))
    assert before != after


def test_only_whole_blocks_of_the_stored_cells_are_read_from_them():
    assert tiles.stored_cells_shift(15, 32) == 0 and tiles.stored_cells_shift(11, 32) == 4
    assert tiles.stored_cells_shift(14, 64) == 2
    assert tiles.stored_cells_shift(16, 32) is None  # finer than the stored cells
    assert tiles.stored_cells_shift(11, 24) is None  # no power of two of them
    assert tiles.stored_cells_shift(11, 8) is None  # a neighbour's centre would lie in the buffer
    assert tiles.stored_cells_shift(11, 512) is None  # a cell wider than the tile
