-- The incident layer of one vector tile (z, x, y) below the points zoom, from the stored counts
-- (incident_cell, migration 0018): the fine cells :ix0..:ix1, :iy0..:iy1 covering the tile, summed
-- into the tile's cells of :cell metres (EPSG:3857), each a block of 2^:shift by 2^:shift fine cells
-- (an arithmetic shift of the key is the floor of the coarser division). A cell's point is its
-- centre, as tile_incident.sql places it.
WITH cells AS (
    SELECT NULL::integer AS id, NULL::text AS category, NULL::text AS source, NULL::text AS occurred_at,
           sum(count)::integer AS count,
           ST_SetSRID(ST_MakePoint(((ix >> :shift) + 0.5) * :cell, ((iy >> :shift) + 0.5) * :cell), 3857) AS geom
    FROM incident_cell
    WHERE ix BETWEEN :ix0 AND :ix1 AND iy BETWEEN :iy0 AND :iy1
    GROUP BY ix >> :shift, iy >> :shift
    HAVING sum(count) > 0
),
features AS MATERIALIZED (
    SELECT id, category, source, occurred_at, count,
           ST_AsMVTGeom(cells.geom, ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom
    FROM cells
)
SELECT ST_AsMVT(features.*, 'incident', 4096, 'geom') FROM features WHERE geom IS NOT NULL
