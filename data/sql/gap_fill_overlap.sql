-- The covered area of coverage $1, km², and the part of it inside the
-- union of the covered areas of coverages $2, km², on the spheroid. Only
-- the others whose box meets it are merged (coverage_result_covered_gist).
WITH p AS (SELECT c.covered FROM coverage_result AS c WHERE c.id = $1),
o AS (
    SELECT ST_Union(c.covered) AS g
    FROM coverage_result AS c, p
    WHERE c.id = ANY($2::bigint[]) AND c.id <> $1 AND c.covered && p.covered
)
SELECT ST_Area(p.covered::geography) / 1e6,
       COALESCE(ST_Area(ST_Intersection(p.covered, o.g)::geography) / 1e6, 0)
FROM p CROSS JOIN o;
