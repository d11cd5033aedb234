-- Weekly incident counts for the before/after evaluation of patrolled targets (geo.db.evaluation).
--
-- A target is a patrol zone, a public place or an event area. Its area is its polygon; a point or a
-- line (a station, a street) is grown by :place_radius_m metres on the spheroid. A target is
-- patrolled from the start of the shift of its first confirmed (or acknowledged, not cancelled or
-- rejected) assignment: "began". Its window is [began - :weeks weeks, began + :weeks weeks), in
-- weeks numbered -:weeks .. :weeks - 1 from began.
--
-- For each patrolled target whose patrols began in [:began_from, :began_to) (either bound may be
-- null) the rows are the target itself and every candidate control: a target of the same table and
-- the same kind (public places and events by their kind) with no assignment (other than rejected or
-- cancelled ones) whose shift overlaps the window. For each row: its incidents in the target area
-- and in the ring (within :ring_m metres of the area, on the spheroid, but outside it), per week.
-- Incidents on the edge count in the area, as everywhere in kuzet (ST_Intersects).
WITH target AS (
    SELECT 'patrol_zone'::text AS kind, 'patrol_zone'::text AS sub_kind, id, name,
           geography(geom) AS area, geom
    FROM patrol_zone
    UNION ALL
    SELECT 'public_place', kind, id,
           coalesce(CASE CAST(:lang AS text) WHEN 'ru' THEN name_ru WHEN 'kk' THEN name_kk
                                              WHEN 'en' THEN name_en END, name),
           CASE WHEN ST_Dimension(geom) = 2 THEN geography(geom)
                ELSE ST_Buffer(geography(geom), CAST(:place_radius_m AS float8)) END,
           geom
    FROM public_place
    UNION ALL
    SELECT 'event', kind, id, name, geography(geom), geom
    FROM event
), reach AS (  -- the area and ring as a geometry, only to let the incident index narrow the search
    SELECT t.*, ST_Expand(geometry(ST_Buffer(t.area, CAST(:ring_m AS float8) + 1.0)), 0.0005) AS bbox
    FROM target t
), assigned AS (
    SELECT CASE WHEN patrol_zone_id IS NOT NULL THEN 'patrol_zone'
                WHEN public_place_id IS NOT NULL THEN 'public_place' ELSE 'event' END AS kind,
           coalesce(patrol_zone_id, public_place_id, event_id) AS id, shift, status, acknowledged_at
    FROM assignment
    WHERE num_nonnulls(patrol_zone_id, public_place_id, event_id) = 1
), treated AS (
    SELECT kind, id, min(lower(shift)) AS began
    FROM assigned
    WHERE status = 'confirmed' OR (acknowledged_at IS NOT NULL AND status NOT IN ('rejected', 'cancelled'))
    GROUP BY kind, id
), windowed AS (
    SELECT kind, id, began, began - make_interval(weeks => CAST(:weeks AS int)) AS w_start,
           began + make_interval(weeks => CAST(:weeks AS int)) AS w_end
    FROM treated
    WHERE (CAST(:began_from AS timestamptz) IS NULL OR began >= CAST(:began_from AS timestamptz))
      AND (CAST(:began_to AS timestamptz) IS NULL OR began < CAST(:began_to AS timestamptz))
      AND (CAST(:kinds AS text[]) IS NULL OR kind = ANY(CAST(:kinds AS text[])))
), unit AS (
    SELECT w.kind, w.id AS treated_id, w.began, w.w_start, w.w_end, u.id AS unit_id, u.id = w.id AS is_treated,
           u.sub_kind, u.name, u.area, u.bbox, ST_Area(u.area) / 1e6 AS area_km2,
           CASE WHEN u.id = w.id THEN ST_AsGeoJSON(u.geom, 6) END AS geometry
    FROM windowed w
    JOIN target tw ON tw.kind = w.kind AND tw.id = w.id
    JOIN reach u ON u.kind = w.kind AND u.sub_kind = tw.sub_kind
    WHERE u.id = w.id
       OR NOT EXISTS (SELECT 1 FROM assigned a
                      WHERE a.kind = u.kind AND a.id = u.id AND a.status NOT IN ('rejected', 'cancelled')
                        AND a.shift && tstzrange(w.w_start, w.w_end))
), hit AS (
    SELECT u.kind, u.treated_id, u.unit_id, z.part,
           floor(extract(epoch FROM i.occurred_at - u.began) / 604800.0)::int AS week, count(*) AS n
    FROM unit u
    JOIN incident i ON i.geom && u.bbox AND i.occurred_at >= u.w_start AND i.occurred_at < u.w_end
    CROSS JOIN LATERAL (
        SELECT CASE WHEN ST_Intersects(geography(i.geom), u.area) THEN 'target'
                    WHEN ST_DWithin(geography(i.geom), u.area, CAST(:ring_m AS float8)) THEN 'ring' END AS part
    ) z
    WHERE z.part IS NOT NULL
      AND (CAST(:categories AS text[]) IS NULL OR lower(i.category) = ANY(CAST(:categories AS text[])))
    GROUP BY 1, 2, 3, 4, 5
), cell AS (
    SELECT u.kind, u.treated_id, u.unit_id, u.is_treated, u.sub_kind, u.name, u.began, u.w_end, u.area_km2,
           u.geometry, wk.week
    FROM unit u CROSS JOIN generate_series(-CAST(:weeks AS int), CAST(:weeks AS int) - 1) AS wk(week)
)
SELECT c.kind, c.treated_id, c.unit_id, c.is_treated, c.sub_kind, c.name, c.began, c.w_end,
       c.area_km2, c.geometry,
       array_agg(coalesce(ht.n, 0) ORDER BY c.week) AS target_weeks,
       array_agg(coalesce(hr.n, 0) ORDER BY c.week) AS ring_weeks
FROM cell c
LEFT JOIN hit ht ON ht.kind = c.kind AND ht.treated_id = c.treated_id AND ht.unit_id = c.unit_id
                AND ht.part = 'target' AND ht.week = c.week
LEFT JOIN hit hr ON hr.kind = c.kind AND hr.treated_id = c.treated_id AND hr.unit_id = c.unit_id
                AND hr.part = 'ring' AND hr.week = c.week
GROUP BY c.kind, c.treated_id, c.unit_id, c.is_treated, c.sub_kind, c.name, c.began, c.w_end, c.area_km2,
         c.geometry
ORDER BY c.kind, c.treated_id, c.is_treated DESC, c.unit_id
