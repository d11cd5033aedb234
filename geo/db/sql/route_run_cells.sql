-- The cells of the latest stored analysis run that covers the target (a cell of it holds the
-- target's point on surface :at), as a walking route's candidates: each cell meeting the route's
-- area :area with incidents counted in it, weighted by that count, at a point of the cell inside the
-- area; the :cap heaviest. Both filters are on stored geometries (GiST).
WITH area AS (SELECT ST_SetSRID(ST_GeomFromWKB(:area), 4326) AS g),
at AS (SELECT ST_SetSRID(ST_GeomFromWKB(:at), 4326) AS g),
run AS (
    SELECT r.id
    FROM analysis_run r
    WHERE EXISTS (SELECT 1 FROM analysis_cell c, at
                  WHERE c.run_id = r.id AND c.geom && at.g AND ST_Covers(c.geom, at.g))
    ORDER BY r.created_at DESC, r.id DESC
    LIMIT 1
)
SELECT run.id AS run_id, c.cell_id, c.count::float8 AS weight,
       ST_AsBinary(ST_PointOnSurface(ST_Intersection(c.geom, a.g))) AS wkb
FROM run
JOIN analysis_cell c ON c.run_id = run.id
CROSS JOIN area a
WHERE c.geom && a.g AND ST_Intersects(c.geom, a.g) AND c.count > 0
ORDER BY c.count DESC, c.cell_id
LIMIT :cap
