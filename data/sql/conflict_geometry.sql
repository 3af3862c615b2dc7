-- The part of zone $1 within $4 m of the site: of its footprint $3 when it
-- is not NULL, else of its point $2 (EWKB, EPSG:4326). The buffer is taken
-- on geography (metres) and the intersection in EPSG:4326. A radius of 0
-- gives the part of the zone on the site itself. NULL when nothing is left.
SELECT CASE WHEN ST_IsEmpty(c.g) THEN NULL ELSE ST_AsBinary(c.g) END
FROM zone AS z
CROSS JOIN LATERAL (
    SELECT COALESCE(ST_GeomFromEWKB($3), ST_GeomFromEWKB($2)) AS site
) AS s
CROSS JOIN LATERAL (
    SELECT ST_Intersection(z.geom,
               CASE WHEN $4::float8 > 0 THEN ST_Buffer(s.site::geography, $4::float8)::geometry
                    ELSE s.site END) AS g
) AS c
WHERE z.id = $1
