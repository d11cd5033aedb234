-- Without a stored run: the incidents inside the route's area :area whose local hour (zone :tz)
-- falls in the shift's band [:lo, :hi) (wrapping midnight when :lo >= :hi; :lo = :hi is every hour),
-- counted (their weight, 1 where none) into squares of :cell_m metres of the UTM zone :srid on the
-- stored UTM coordinates, each at its centre; the :cap heaviest.
WITH area AS (SELECT ST_SetSRID(ST_GeomFromWKB(:area), 4326) AS g),
banded AS (
    SELECT floor(i.utm_x / :cell_m)::bigint AS ix, floor(i.utm_y / :cell_m)::bigint AS iy,
           COALESCE(i.weight, 1.0) AS weight
    FROM incident i CROSS JOIN area a
    WHERE i.geom && a.g AND ST_Covers(a.g, i.geom) AND i.utm_srid = :srid
      AND CASE WHEN :lo < :hi
               THEN extract(hour FROM i.occurred_at AT TIME ZONE :tz) >= :lo
                    AND extract(hour FROM i.occurred_at AT TIME ZONE :tz) < :hi
               ELSE extract(hour FROM i.occurred_at AT TIME ZONE :tz) >= :lo
                    OR extract(hour FROM i.occurred_at AT TIME ZONE :tz) < :hi END
)
SELECT ix, iy, sum(weight)::float8 AS weight,
       ST_AsBinary(ST_Transform(ST_SetSRID(ST_MakePoint((ix + 0.5) * :cell_m, (iy + 0.5) * :cell_m), :srid),
                                4326)) AS wkb
FROM banded
GROUP BY ix, iy
HAVING sum(weight) > 0
ORDER BY sum(weight) DESC, ix, iy
LIMIT :cap
