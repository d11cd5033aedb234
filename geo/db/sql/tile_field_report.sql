-- The field-report layer of one vector tile (z, x, y): below :points_zoom square cells of :cell
-- metres (EPSG:3857) with the number of reports in each, from it on the reports as points.
-- The placeholder "visible" in braces is the viewer's scope over the table "field_report"
-- (geo.db.scopes.report_visible; not written out here: a comment line would end after its first line), with
-- the page's filter (geo.db.reports.report_filter: reported from a time on), so a page's map and its
-- list hold the same reports.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS env,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 0.015625), 4326) AS wide
),
picked AS (
    SELECT field_report.id, field_report.category, field_report.observed_at, field_report.reported_at,
           field_report.formation_id, formation.name AS formation, ST_Transform(field_report.geom, 3857) AS geom
    FROM field_report LEFT JOIN formation ON formation.id = field_report.formation_id CROSS JOIN bounds
    WHERE field_report.geom && bounds.wide AND ({visible})
),
points AS (
    SELECT id, category, to_char(observed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS observed_at,
           to_char(reported_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"') AS reported_at,
           formation_id, formation, 1 AS count, geom
    FROM picked WHERE :z >= :points_zoom
),
cells AS (
    SELECT NULL::integer, NULL::text, NULL::text, NULL::text, NULL::integer, NULL::text, count(*)::integer,
           ST_SetSRID(ST_MakePoint((floor(ST_X(geom) / :cell) + 0.5) * :cell,
                                   (floor(ST_Y(geom) / :cell) + 0.5) * :cell), 3857)
    FROM picked WHERE :z < :points_zoom
    GROUP BY floor(ST_X(geom) / :cell), floor(ST_Y(geom) / :cell)
),
features AS (
    SELECT id, category, observed_at, reported_at, formation_id, formation, count, ST_AsMVTGeom(f.geom, bounds.env, 4096, 64, true) AS geom
    FROM (SELECT * FROM points UNION ALL SELECT * FROM cells) AS f, bounds
)
SELECT ST_AsMVT(features.*, 'field_report', 4096, 'geom') FROM features WHERE geom IS NOT NULL
