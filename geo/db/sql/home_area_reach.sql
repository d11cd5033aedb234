-- Per formation: whether its home area covers the target, and how far the target reaches beyond it
-- (metres on the spheroid; the target is densified every 50 m so long edges are measured too).
SELECT f.id,
       ST_Covers(f.home_area, t.geom) AS inside,
       CASE WHEN ST_Covers(f.home_area, t.geom) THEN 0.0
            ELSE (SELECT max(ST_Distance(f.home_area::geography, d.geom::geography))
                  FROM ST_DumpPoints(ST_Segmentize(t.geom::geography, 50)::geometry) AS d)
       END AS beyond_m
FROM formation AS f, (SELECT ST_GeomFromEWKB(:target) AS geom) AS t
WHERE f.id = ANY(:ids)
