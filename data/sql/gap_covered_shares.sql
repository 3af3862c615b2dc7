-- For each polygon zone of $1, the share of its area inside the union of
-- the covered areas of coverages $2 (0 when there is none), on the
-- ellipsoid. Only the covered areas that meet the polygon
-- (coverage_result_covered_gist) are used, each clipped to its box first
-- (ST_ClipByBox2D), so that no union of whole coverage polygons is made.
SELECT z.id,
       CASE WHEN cov.g IS NULL OR ST_Area(z.geom::geography) = 0 THEN 0
            ELSE LEAST(1, ST_Area(ST_Intersection(z.geom, cov.g)::geography) / ST_Area(z.geom::geography))
       END
FROM zone AS z
CROSS JOIN LATERAL (
    SELECT ST_Union(ST_CollectionExtract(ST_MakeValid(ST_ClipByBox2D(c.covered, ST_Envelope(z.geom))), 3)) AS g
    FROM coverage_result AS c
    WHERE c.id = ANY($2::bigint[]) AND c.covered && z.geom
) AS cov
WHERE z.id = ANY($1::bigint[]);
