-- A shift sheet's map of one target: the target, the streets, parks, water and district outlines
-- around it, clipped to a frame of :width_px x :height_px and given in that frame's pixels (y down),
-- as SVG path data (ST_AsSVG). The frame is the target's extent in the metric CRS :srid grown by
-- :pad (a share) to the frame's aspect, at least :min_width_m wide. Streets are filtered on the
-- stored geometry (GiST); names are in the reader's language :lang, the original where none. A planned
-- walking route :route and its start :route_start (WKB, EPSG:4326; NULL without one) are drawn over it.
WITH target AS (
    SELECT ST_Transform(ST_SetSRID(ST_GeomFromWKB(:wkb), 4326), :srid) AS geom
),
route AS (
    SELECT ST_Transform(ST_SetSRID(ST_GeomFromWKB(CAST(:route AS bytea)), 4326), :srid) AS geom,
           ST_Transform(ST_SetSRID(ST_GeomFromWKB(CAST(:route_start AS bytea)), 4326), :srid) AS start
),
extent AS (
    SELECT (ST_XMin(geom) + ST_XMax(geom)) / 2 AS cx, (ST_YMin(geom) + ST_YMax(geom)) / 2 AS cy,
           GREATEST((ST_XMax(geom) - ST_XMin(geom)) * (1 + :pad),
                    (ST_YMax(geom) - ST_YMin(geom)) * (1 + :pad) * :width_px / :height_px,
                    :min_width_m) AS width_m
    FROM target
),
frame AS (
    SELECT ST_MakeEnvelope(cx - width_m / 2, cy - width_m * :height_px / :width_px / 2,
                           cx + width_m / 2, cy + width_m * :height_px / :width_px / 2, :srid) AS env,
           cx - width_m / 2 AS x0, cy + width_m * :height_px / :width_px / 2 AS y1,
           :width_px / width_m AS px_per_m, width_m
    FROM extent
),
box AS (
    SELECT f.*, ST_Transform(f.env, 4326) AS box FROM frame f
),
-- Every layer, clipped to the frame, in metres; drawn in this order.
drawn AS (
    SELECT 1 AS layer, 'area-' || bf.kind AS class, ST_Intersection(ST_Transform(bf.geom, :srid), b.env) AS geom,
           NULL::text AS name
    FROM basemap_feature bf, box b
    WHERE bf.geom && b.box AND bf.kind IN ('park', 'wood', 'square', 'water', 'waterway', 'railway')
    UNION ALL
    SELECT 2, 'district', ST_Intersection(ST_Boundary(ST_Transform(d.geom, :srid)), b.env), NULL
    FROM district d, box b
    WHERE d.geom && b.box
    UNION ALL
    SELECT 3,
           CASE WHEN s.highway IN ('motorway', 'motorway_link', 'trunk', 'trunk_link', 'primary', 'primary_link')
                    THEN 'street-major'
                WHEN s.highway IN ('secondary', 'secondary_link', 'tertiary', 'tertiary_link') THEN 'street-secondary'
                WHEN s.highway IN ('footway', 'pedestrian', 'path', 'steps', 'cycleway', 'track', 'crossing')
                    THEN 'street-path'
                ELSE 'street-minor' END,
           ST_Intersection(ST_Transform(s.geom, :srid), b.env),
           COALESCE(CASE :lang WHEN 'ru' THEN s.name_ru WHEN 'kk' THEN s.name_kk WHEN 'en' THEN s.name_en END,
                    s.name)
    FROM street_segment s, box b
    WHERE s.geom && b.box
    UNION ALL
    SELECT 4, 'target', t.geom, NULL FROM target t
    UNION ALL
    SELECT 5, 'route', ST_Intersection(r.geom, b.env), NULL FROM route r, box b WHERE r.geom IS NOT NULL
    UNION ALL
    SELECT 6, 'route-start', r.start, NULL FROM route r WHERE r.start IS NOT NULL
),
placed AS (
    SELECT d.layer, d.class, d.name, d.geom,
           ST_Affine(d.geom, b.px_per_m, 0, 0, b.px_per_m, -b.x0 * b.px_per_m, -b.y1 * b.px_per_m) AS px
    FROM drawn d, box b
    WHERE NOT ST_IsEmpty(d.geom)
),
-- The longest named streets in the frame, each named once at the middle of its longest piece.
labels AS (
    SELECT DISTINCT ON (name) name, piece
    FROM (SELECT p.name, (ST_Dump(ST_LineMerge(ST_Collect(p.px)))).geom AS piece
          FROM placed p
          WHERE p.layer = 3 AND p.name IS NOT NULL AND p.class <> 'street-path'
          GROUP BY p.name) pieces
    WHERE GeometryType(piece) = 'LINESTRING'
    ORDER BY name, ST_Length(piece) DESC
)
SELECT 'frame' AS part, NULL AS class, NULL AS svg, NULL AS name, b.width_m AS x, b.px_per_m AS y, 0 AS layer
FROM box b
UNION ALL
SELECT 'path', p.class, ST_AsSVG(p.px, 0, 1), NULL, NULL, NULL, p.layer
FROM placed p
WHERE GeometryType(p.px) NOT IN ('POINT', 'MULTIPOINT')
UNION ALL
SELECT 'point', p.class, NULL, NULL, ST_X(ST_PointOnSurface(p.px)), -ST_Y(ST_PointOnSurface(p.px)), p.layer
FROM placed p
WHERE p.class IN ('target', 'route-start') AND GeometryType(p.px) IN ('POINT', 'MULTIPOINT')
UNION ALL
SELECT 'label', NULL, NULL, l.name, ST_X(l.at), -ST_Y(l.at), 7
FROM (SELECT name, ST_LineInterpolatePoint(piece, 0.5) AS at FROM labels
      ORDER BY ST_Length(piece) DESC LIMIT :max_labels) l
ORDER BY layer
