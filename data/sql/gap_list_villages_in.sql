-- The settlement features of categories $3 of the current settlement
-- layers whose centre (a point on the feature's surface) lies in one of
-- the admin units $1 (each code's version in force on day $2, else its
-- latest), by unit. ST_Intersects uses zone_geom_gist; ST_Covers then
-- decides, so that a village on a boundary belongs to one unit.
WITH u AS (
    SELECT DISTINCT ON (code) code, geom
    FROM admin_unit
    WHERE code = ANY($1::text[])
    ORDER BY code,
             (valid_from <= $2::date AND (valid_to IS NULL OR valid_to > $2::date)) DESC,
             valid_from DESC
)
SELECT u.code, z.id, z.category, z.name
FROM u
JOIN zone AS z ON ST_Intersects(z.geom, u.geom)
JOIN layer AS l ON l.id = z.layer_id
WHERE l.current AND l.kind = 'settlement' AND z.category = ANY($3::text[])
  AND ST_Covers(u.geom, ST_PointOnSurface(z.geom))
ORDER BY u.code, z.id
