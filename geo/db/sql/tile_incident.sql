-- The incident layer of one vector tile (z, x, y): below :points_zoom square cells of :cell metres
-- (EPSG:3857) with the number of incidents in each, from it on the incidents as points.
-- {visible} is the viewer's scope over the table "incident" (geo.db.scopes).
-- The incidents picked are those in the tile widened by its buffer, :xmin..:ymax (EPSG:3857),
-- read from their stored Web Mercator coordinates (migration 0014), no point transformed: the
-- planner scans the table for a tile over a whole city, the GiST index on geom for a small one. "picked" is inlined, so only the branch of the tile's zoom runs.
WITH picked AS NOT MATERIALIZED (
    SELECT incident.id, incident.category, incident.source, incident.occurred_at, incident.merc_x, incident.merc_y
    FROM incident
    WHERE incident.geom && ST_Transform(ST_MakeEnvelope(:xmin, :ymin, :xmax, :ymax, 3857), 4326)
      AND incident.merc_x >= :xmin AND incident.merc_x <= :xmax
      AND incident.merc_y >= :ymin AND incident.merc_y <= :ymax
      AND ({visible})
),
points AS (
    SELECT id, category, source, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at,
           1 AS count, ST_SetSRID(ST_MakePoint(merc_x, merc_y), 3857) AS geom
    FROM picked WHERE :z >= :points_zoom
),
cells AS (
    SELECT NULL::integer AS id, NULL::text AS category, NULL::text AS source, NULL::text AS occurred_at, count(*)::integer AS count,
           ST_SetSRID(ST_MakePoint((floor(merc_x / :cell) + 0.5) * :cell,
                                   (floor(merc_y / :cell) + 0.5) * :cell), 3857) AS geom
    FROM picked WHERE :z < :points_zoom
    GROUP BY floor(merc_x / :cell), floor(merc_y / :cell)
),
-- Materialized (tens to thousands of rows): "geom IS NOT NULL" is not pushed into the scans.
features AS MATERIALIZED (
    SELECT id, category, source, occurred_at, count,
           ST_AsMVTGeom(f.geom, ST_TileEnvelope(:z, :x, :y), 4096, 64, true) AS geom
    FROM (SELECT * FROM points UNION ALL SELECT * FROM cells) AS f
)
SELECT ST_AsMVT(features.*, 'incident', 4096, 'geom') FROM features WHERE geom IS NOT NULL
