-- The drawn cells of one stored analysis run (analysis_cell) in one vector tile (z, x, y), with
-- the properties the analyst's map styles and labels them by. Drawn are: Gi* cells of a class
-- other than 0 (islands have none), Local Moran cells with a quadrant and p after FDR below
-- :alpha, every band of a kernel density (band n is cell n), emerging hot spot cells with a pattern
-- (property ``pattern`` from emerging_cell; NULL for the other methods).
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS env,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4326) AS wide
),
features AS (
    SELECT c.cell_id, c.count, c.value, c.z, c.p, c.p_fdr, c."class", c.quadrant, e.pattern,
           ST_AsMVTGeom(ST_Transform(c.geom, 3857), bounds.env, 4096, 64, true) AS geom
    FROM bounds, analysis_cell AS c
    LEFT JOIN emerging_cell AS e ON e.run_id = c.run_id AND e.cell_id = c.cell_id
    WHERE c.run_id = :run_id AND c.geom && bounds.wide
      AND CASE :method
              WHEN 'gi_star' THEN coalesce(c."class", 0) <> 0
              WHEN 'local_moran' THEN c.quadrant IS NOT NULL AND c.p_fdr < :alpha
              WHEN 'emerging' THEN coalesce(e.pattern, 'none') <> 'none'
              ELSE true
          END
)
SELECT ST_AsMVT(features.*, 'analysis', 4096, 'geom') FROM features WHERE geom IS NOT NULL
