-- The streets a walking route may use: street_segment clipped to the route's area :area (EPSG:4326,
-- WKB), in single lines. The filter is on the stored geometry, so the GiST index serves it.
WITH area AS (SELECT ST_SetSRID(ST_GeomFromWKB(:area), 4326) AS g)
SELECT ST_AsBinary(part.geom) AS wkb
FROM street_segment s
CROSS JOIN area a
CROSS JOIN LATERAL ST_Dump(ST_CollectionExtract(ST_Intersection(s.geom, a.g), 2)) AS part
WHERE s.geom && a.g AND ST_Intersects(s.geom, a.g) AND NOT ST_IsEmpty(part.geom)
ORDER BY s.id, part.path
