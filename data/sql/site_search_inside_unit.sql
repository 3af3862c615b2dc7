-- The 0-based indexes of the points ($2 longitudes, $3 latitudes, SRID $4)
-- that admin unit $1 (its version in force, else its latest) covers.
WITH unit AS (
    SELECT u.geom FROM admin_unit AS u
    WHERE u.code = $1::text
    ORDER BY (u.valid_to IS NULL) DESC, u.valid_from DESC
    LIMIT 1
)
SELECT p.ord - 1
FROM unit
CROSS JOIN unnest($2::float8[], $3::float8[]) WITH ORDINALITY AS p (lon, lat, ord)
WHERE ST_Covers(unit.geom, ST_SetSRID(ST_MakePoint(p.lon, p.lat), $4::int))
ORDER BY p.ord;
