-- home_area_reach.sql for many targets at once, per formation and target: whether the home area
-- covers the target and how far (metres on the spheroid) the target reaches beyond it, computed
-- exactly as there (densified every 50 m) wherever the target comes within :allowance_m of the home
-- area. Farther away the nearest distance is given instead: a lower bound of the reach that is
-- already beyond the allowance, so the rule decides alike and the costly densified maximum is
-- spared. Plus the straight-line distance in metres from a point inside the home area
-- (ST_PointOnSurface) to the target: the planner's travel distance.
WITH t AS (
    SELECT u.id, ST_GeomFromWKB(u.wkb, :srid) AS geom
    FROM unnest(CAST(:target_ids AS integer[]), CAST(:targets AS bytea[])) AS u(id, wkb)
)
SELECT p.formation_id, p.target_id, p.inside,
       CASE WHEN p.inside THEN 0.0
            WHEN p.nearest_m > :allowance_m THEN p.nearest_m
            ELSE (SELECT max(ST_Distance(p.home_area::geography, d.geom::geography))
                  FROM ST_DumpPoints(ST_Segmentize(p.geom::geography, 50)::geometry) AS d)
       END AS beyond_m,
       p.travel_m
FROM (SELECT f.id AS formation_id, t.id AS target_id, f.home_area, t.geom,
             ST_Covers(f.home_area, t.geom) AS inside,
             ST_Distance(f.home_area::geography, t.geom::geography) AS nearest_m,
             ST_Distance(ST_PointOnSurface(f.home_area)::geography, t.geom::geography) AS travel_m
      FROM formation AS f CROSS JOIN t
      WHERE f.id = ANY(:ids)) AS p
