-- For each polygon zone of $1, the share of its area inside the union of
-- the covered areas of coverages $2 (0 when there is none), on the
-- ellipsoid.
WITH cov AS (
    SELECT ST_Union(c.covered) AS g FROM coverage_result AS c WHERE c.id = ANY($2::bigint[])
)
SELECT z.id,
       CASE WHEN cov.g IS NULL OR ST_Area(z.geom::geography) = 0 THEN 0
            ELSE LEAST(1, ST_Area(ST_Intersection(z.geom, cov.g)::geography) / ST_Area(z.geom::geography))
       END
FROM zone AS z CROSS JOIN cov
WHERE z.id = ANY($1::bigint[]);
