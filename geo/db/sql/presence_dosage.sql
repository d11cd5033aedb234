-- The dosage of assignments from their stored positions (geo.db.presence; issue 17.2, design D).
--
-- For each assignment of :ids:
--   minutes_inside: the length of the union, over its participants, of their stays inside the target.
--     A stay is a run of consecutive positions of one participant inside the target (a point or line
--     target grown by :place_radius_m metres on the spheroid), no two more than :gap_s seconds apart;
--     it lasts from its first position to its last. A position outside, or a gap, ends a stay.
--   visits: the number of separate stays in that union (entries into the target).
--   route_share: the share of the patrol route's length within :tolerance_m metres (spheroid) of the
--     walked track (each participant's legs between positions no more than :gap_s apart, and the
--     positions themselves); NULL when the assignment has no route.
--   minutes_checked_in: the length of the union of its participants' check-in to check-out periods
--     (a participant still checked in counts to :now, at most to the shift's end and :grace_s).
--   positions: how many positions are stored.
WITH target AS (
    SELECT a.id AS assignment_id, t.geom, geography(t.geom) AS area,
           CASE WHEN ST_Dimension(t.geom) < 2 THEN CAST(:place_radius_m AS float8) ELSE 0 END AS reach_m
    FROM assignment a
    CROSS JOIN LATERAL (SELECT coalesce(
        (SELECT geom FROM patrol_zone WHERE id = a.patrol_zone_id),
        (SELECT geom FROM public_place WHERE id = a.public_place_id),
        (SELECT geom FROM event WHERE id = a.event_id),
        (SELECT geom FROM pasture WHERE id = a.pasture_id),
        (SELECT geom FROM crop_field WHERE id = a.crop_field_id),
        (SELECT geom FROM campus WHERE id = a.campus_id),
        (SELECT geom FROM emergency_area WHERE id = a.emergency_area_id))) AS t(geom)
    WHERE a.id = ANY(CAST(:ids AS int[]))
), fix AS (
    SELECT p.assignment_id, p.participant_id, p.at, p.geom,
           ST_DWithin(geography(p.geom), t.area, t.reach_m) AS inside,
           lag(p.at) OVER w AS prev_at, lag(p.geom) OVER w AS prev_geom
    FROM presence_position p JOIN target t USING (assignment_id)
    WINDOW w AS (PARTITION BY p.assignment_id, p.participant_id ORDER BY p.at)
), joined AS (
    SELECT *, prev_at IS NOT NULL AND extract(epoch FROM at - prev_at) <= CAST(:gap_s AS float8) AS joined_prev,
           lag(inside) OVER w AS prev_inside
    FROM fix
    WINDOW w AS (PARTITION BY assignment_id, participant_id ORDER BY at)
), runs AS (  -- a new stay starts at an inside position not joined to an inside previous one
    SELECT *, sum(CASE WHEN inside AND NOT (joined_prev AND coalesce(prev_inside, false)) THEN 1 ELSE 0 END)
                  OVER (PARTITION BY assignment_id, participant_id ORDER BY at) AS stay
    FROM joined
), stays AS (
    SELECT assignment_id, range_agg(tstzrange(first_at, last_at, '[]')) AS spans
    FROM (SELECT assignment_id, participant_id, stay, min(at) AS first_at, max(at) AS last_at
          FROM runs WHERE inside GROUP BY assignment_id, participant_id, stay) s
    GROUP BY assignment_id
), inside AS (
    SELECT s.assignment_id, count(*) AS visits,
           sum(extract(epoch FROM upper(r) - lower(r))) / 60.0 AS minutes_inside
    FROM stays s CROSS JOIN LATERAL unnest(s.spans) AS r
    GROUP BY s.assignment_id
), legs AS (
    SELECT assignment_id,
           ST_Buffer(geography(CASE WHEN joined_prev THEN ST_MakeLine(prev_geom, geom) ELSE geom END),
                     CAST(:tolerance_m AS float8)) AS near
    FROM joined
), track AS (
    SELECT assignment_id, ST_Union(geometry(near)) AS near FROM legs GROUP BY assignment_id
), route AS (
    SELECT r.assignment_id,
           CASE WHEN ST_Length(geography(r.geom)) = 0 THEN 0
                WHEN tr.near IS NULL THEN 0
                ELSE least(1.0, ST_Length(geography(ST_Intersection(r.geom, tr.near)))
                                / ST_Length(geography(r.geom))) END AS route_share
    FROM patrol_route r LEFT JOIN track tr USING (assignment_id)
    WHERE r.assignment_id = ANY(CAST(:ids AS int[]))
), checked AS (
    SELECT sp.assignment_id,
           sum(extract(epoch FROM upper(r) - lower(r))) / 60.0 AS minutes_checked_in
    FROM (SELECT sp.assignment_id,
                 range_agg(tstzrange(sp.checked_in_at,
                                     greatest(sp.checked_in_at,
                                              coalesce(sp.checked_out_at,
                                                       least(CAST(:now AS timestamptz),
                                                             upper(a.shift) + make_interval(secs => CAST(:grace_s AS float8))))),
                                     '[]')) AS spans
          FROM shift_presence sp JOIN assignment a ON a.id = sp.assignment_id
          WHERE sp.assignment_id = ANY(CAST(:ids AS int[]))
          GROUP BY sp.assignment_id) sp
    CROSS JOIN LATERAL unnest(sp.spans) AS r
    GROUP BY sp.assignment_id
), counted AS (
    SELECT assignment_id, count(*) AS positions FROM presence_position
    WHERE assignment_id = ANY(CAST(:ids AS int[])) GROUP BY assignment_id
)
SELECT t.assignment_id, coalesce(i.minutes_inside, 0) AS minutes_inside, coalesce(i.visits, 0) AS visits,
       r.route_share, (r.assignment_id IS NOT NULL) AS has_route,
       coalesce(c.minutes_checked_in, 0) AS minutes_checked_in, coalesce(n.positions, 0) AS positions
FROM target t
LEFT JOIN inside i USING (assignment_id)
LEFT JOIN route r USING (assignment_id)
LEFT JOIN checked c USING (assignment_id)
LEFT JOIN counted n USING (assignment_id)
ORDER BY t.assignment_id
