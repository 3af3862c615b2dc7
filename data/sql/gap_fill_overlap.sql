-- The covered area of coverage $1, km², and the part of it inside the
-- union of the covered areas of coverages $2, km², on the spheroid.
-- The covered area is cut into pieces of at most 256 vertices
-- (ST_Subdivide, which partitions it); each piece is intersected with the
-- union of the others that meet it (coverage_result_covered_gist), each
-- clipped to the piece's box first (ST_ClipByBox2D), so that no union of
-- whole coverage polygons, thousands of vertices each, is ever made.
WITH p AS (SELECT c.covered FROM coverage_result AS c WHERE c.id = $1),
piece AS (SELECT ST_Subdivide(p.covered, 256) AS g FROM p),
part AS (
    SELECT ST_Area(ST_Intersection(piece.g, o.g)::geography) AS m2
    FROM piece
    CROSS JOIN LATERAL (
        SELECT ST_Union(ST_CollectionExtract(ST_MakeValid(ST_ClipByBox2D(c.covered, ST_Envelope(piece.g))), 3)) AS g
        FROM coverage_result AS c
        WHERE c.id = ANY($2::bigint[]) AND c.id <> $1 AND c.covered && piece.g
    ) AS o
    WHERE o.g IS NOT NULL
)
SELECT ST_Area(p.covered::geography) / 1e6, COALESCE((SELECT sum(part.m2) FROM part), 0) / 1e6
FROM p;
