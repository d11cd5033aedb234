-- The incident layer of one vector tile (z, x, y): below :points_zoom square cells of :cell metres
-- (EPSG:3857) with the number of incidents in each, from it on the incidents as points.
-- {visible} is the viewer's scope over the table "incident" (geo.db.scopes).
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS env,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4326) AS wide
),
picked AS (
    SELECT incident.id, incident.category, incident.source, incident.occurred_at, ST_Transform(incident.geom, 3857) AS geom
    FROM incident, bounds
    WHERE incident.geom && bounds.wide AND ({visible})
),
points AS (
    SELECT id, category, source, to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS occurred_at,
           1 AS count, geom
    FROM picked WHERE :z >= :points_zoom
),
cells AS (
    SELECT NULL::integer AS id, NULL::text AS category, NULL::text AS source, NULL::text AS occurred_at, count(*)::integer AS count,
           ST_SetSRID(ST_MakePoint((floor(ST_X(geom) / :cell) + 0.5) * :cell,
                                   (floor(ST_Y(geom) / :cell) + 0.5) * :cell), 3857) AS geom
    FROM picked WHERE :z < :points_zoom
    GROUP BY floor(ST_X(geom) / :cell), floor(ST_Y(geom) / :cell)
),
features AS (
    SELECT id, category, source, occurred_at, count, ST_AsMVTGeom(f.geom, bounds.env, 4096, 64, true) AS geom
    FROM (SELECT * FROM points UNION ALL SELECT * FROM cells) AS f, bounds
)
SELECT ST_AsMVT(features.*, 'incident', 4096, 'geom') FROM features WHERE geom IS NOT NULL
