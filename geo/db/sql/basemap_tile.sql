-- The basemap's vector tile (z, x, y): one MVT layer each for streets, parks, water, railways and
-- districts, in Web Mercator, simplified to about half a screen pixel at the tile's zoom. Minor
-- streets appear from :minor_from_z, paths from :paths_from_z, street names from :names_from_z; areas
-- smaller than a few pixels are left out. Every filter is on the stored geometry (GiST). Names are in
-- the reader's language :lang ('ru', 'kk', 'en' or NULL), the original name where there is none.
WITH bounds AS (
    SELECT ST_TileEnvelope(:z, :x, :y) AS env,
           ST_Transform(ST_TileEnvelope(:z, :x, :y, margin => 64.0 / 4096), 4326) AS box,
           40075016.686 / (256 * 2 ^ :z) AS pixel_m
),
street AS (
    SELECT s.geom,
           COALESCE(CASE :lang WHEN 'ru' THEN s.name_ru WHEN 'kk' THEN s.name_kk WHEN 'en' THEN s.name_en END,
                    s.name) AS name,
           s.highway,
           CASE WHEN s.highway IN ('motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link')
                    THEN 'major'
                WHEN s.highway IN ('secondary', 'secondary_link', 'tertiary', 'tertiary_link') THEN 'secondary'
                WHEN s.highway IN ('footway', 'pedestrian', 'path', 'steps', 'cycleway', 'track', 'crossing')
                    THEN 'path'
                ELSE 'minor' END AS class
    FROM street_segment s, bounds b
    WHERE s.geom && b.box
),
streets AS (
    SELECT ST_AsMVTGeom(ST_Simplify(ST_Transform(s.geom, 3857), b.pixel_m / 2), b.env, 4096, 64) AS geom,
           s.class,
           CASE WHEN :z >= :names_from_z THEN s.name END AS name
    FROM street s, bounds b
    WHERE s.class IN ('major', 'secondary')
       OR (s.class = 'minor' AND :z >= :minor_from_z)
       OR (s.class = 'path' AND :z >= :paths_from_z)
),
areas AS (
    SELECT f.kind, f.geom,
           COALESCE(CASE :lang WHEN 'ru' THEN f.name_ru WHEN 'kk' THEN f.name_kk WHEN 'en' THEN f.name_en END,
                    f.name) AS name
    FROM basemap_feature f, bounds b
    WHERE f.geom && b.box
),
parks AS (
    SELECT ST_AsMVTGeom(ST_SimplifyPreserveTopology(ST_Transform(a.geom, 3857), b.pixel_m / 2), b.env, 4096, 64)
               AS geom,
           a.kind, CASE WHEN :z >= :names_from_z THEN a.name END AS name
    FROM areas a, bounds b
    WHERE a.kind IN ('park', 'wood', 'square')
      AND ST_Area(ST_Transform(a.geom, 3857)) > 4 * b.pixel_m ^ 2
),
water AS (
    SELECT ST_AsMVTGeom(ST_SimplifyPreserveTopology(ST_Transform(a.geom, 3857), b.pixel_m / 2), b.env, 4096, 64)
               AS geom,
           a.kind, CASE WHEN :z >= :names_from_z THEN a.name END AS name
    FROM areas a, bounds b
    WHERE a.kind = 'waterway'
       OR (a.kind = 'water' AND ST_Area(ST_Transform(a.geom, 3857)) > 4 * b.pixel_m ^ 2)
),
railways AS (
    SELECT ST_AsMVTGeom(ST_Simplify(ST_Transform(a.geom, 3857), b.pixel_m / 2), b.env, 4096, 64) AS geom,
           a.kind
    FROM areas a, bounds b
    WHERE a.kind = 'railway' OR (a.kind = 'tram' AND :z >= :minor_from_z)
),
districts AS (
    SELECT ST_AsMVTGeom(ST_Simplify(ST_Boundary(ST_Transform(d.geom, 3857)), b.pixel_m / 2), b.env, 4096, 64)
               AS geom,
           COALESCE(CASE :lang WHEN 'ru' THEN d.name_ru WHEN 'kk' THEN d.name_kk END, d.name) AS name
    FROM district d, bounds b
    WHERE d.geom && b.box
)
SELECT (SELECT COALESCE(ST_AsMVT(t, 'water', 4096, 'geom'), '') FROM water t WHERE t.geom IS NOT NULL)
    || (SELECT COALESCE(ST_AsMVT(t, 'parks', 4096, 'geom'), '') FROM parks t WHERE t.geom IS NOT NULL)
    || (SELECT COALESCE(ST_AsMVT(t, 'railways', 4096, 'geom'), '') FROM railways t WHERE t.geom IS NOT NULL)
    || (SELECT COALESCE(ST_AsMVT(t, 'streets', 4096, 'geom'), '') FROM streets t WHERE t.geom IS NOT NULL)
    || (SELECT COALESCE(ST_AsMVT(t, 'districts', 4096, 'geom'), '') FROM districts t WHERE t.geom IS NOT NULL)
       AS tile
