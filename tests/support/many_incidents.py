"""Many incidents at once, written by PostGIS itself (``INSERT ... SELECT generate_series``).

The rows are spread over central Almaty by a low-discrepancy sequence (deterministic, no random
state): the n-th lies at the fractional parts of n·a₁ and n·a₂ (Roberts' R2 sequence, from the
plastic number), so any sub-box holds about its share.
Every seventh is a police record, every tenth has a weight (some whole, some not), a few have
microseconds in their times and a description with quotes and Cyrillic.
"""
from __future__ import annotations

from sqlalchemy import text

ALMATY = (76.82, 43.18, 77.05, 43.33)  # lon/lat box the incidents fall in

_INSERT = text("""
INSERT INTO incident (occurred_at, reported_at, category, description, source, weight, geom)
SELECT timestamptz '2026-01-01 00:00+05' + g * interval '7 minutes' + (g % 3) * interval '1 microsecond',
       CASE WHEN g % 4 = 0 THEN timestamptz '2026-01-01 00:00+05' + g * interval '7 minutes' + interval '1 hour' END,
       (ARRAY['theft', 'burglary', 'robbery', 'assault'])[1 + g % 4],
       CASE WHEN g % 50 = 0 THEN 'окно "разбито" #' || g END,
       CASE WHEN g % 7 = 0 THEN 'police-record' ELSE 'synthetic-demo' END,
       CASE WHEN g % 10 = 0 THEN (g % 30) / 4.0 END,
       ST_SetSRID(ST_MakePoint(:minx + (:maxx - :minx) * ((0.5 + g * 0.7548776662466927) % 1),
                               :miny + (:maxy - :miny) * ((0.5 + g * 0.5698402909980532) % 1)), 4326)
FROM generate_series(1, :n) AS g
""")


def insert_incidents(session, n: int, *, box: tuple[float, float, float, float] = ALMATY) -> None:
    """Add ``n`` incidents inside ``box`` (lon/lat) on ``session``'s transaction, then ANALYZE the
    table: the planner's estimates (which the layer API's counts rest on) then know them."""
    minx, miny, maxx, maxy = box
    session.execute(_INSERT, {"n": n, "minx": minx, "miny": miny, "maxx": maxx, "maxy": maxy})
    session.execute(text("ANALYZE incident"))
