-- The gap polygons of analysis $1: the populated area of zones $2 (their
-- polygons, other geometries buffered by $4 m on the ellipsoid) minus the
-- covered areas of coverages $3, one row per connected part of at least
-- 1 m². Returns how many parts and their km².
--
-- Each connected part of the populated area is cut by the covered areas
-- that meet it (coverage_result_covered_gist), each first clipped to the
-- part's box (ST_ClipByBox2D, no GEOS), so that no union of whole
-- coverage polygons is ever made: a 15 km coverage has thousands of
-- vertices, a village buffer a few dozen.
--
-- Incremental: when $5 names an earlier analysis (0 for none), a part
-- that holds none of the zones $6 keeps that analysis's gap polygons
-- inside it (nothing that covers it changed); the others are cut anew.
WITH pop AS (
    SELECT ST_Union(CASE WHEN ST_Dimension(z.geom) = 2 THEN z.geom
                         ELSE ST_Buffer(z.geom::geography, $4::float8)::geometry END) AS g
    FROM zone AS z
    WHERE z.id = ANY($2::bigint[])
), part AS (
    SELECT d.g, ($5::bigint = 0 OR EXISTS (
               SELECT 1 FROM zone AS r
               WHERE r.id = ANY($6::bigint[]) AND r.geom && d.g AND ST_Intersects(r.geom, d.g))) AS redraw
    FROM pop CROSS JOIN LATERAL (SELECT (ST_Dump(pop.g)).geom AS g) AS d
    WHERE pop.g IS NOT NULL
), gap AS (
    SELECT CASE WHEN cov.g IS NULL THEN part.g ELSE ST_Difference(part.g, cov.g) END AS g
    FROM part
    CROSS JOIN LATERAL (
        SELECT ST_Union(ST_CollectionExtract(ST_MakeValid(ST_ClipByBox2D(c.covered, ST_Envelope(part.g))), 3)) AS g
        FROM coverage_result AS c
        WHERE c.id = ANY($3::bigint[]) AND c.covered && part.g
    ) AS cov
    WHERE part.redraw
    UNION ALL
    SELECT ST_Intersection(a.geom, part.g)
    FROM part
    JOIN gap_area AS a ON a.analysis_id = $5 AND a.geom && part.g
    WHERE NOT part.redraw
), parts AS (
    SELECT (ST_Dump(ST_CollectionExtract(ST_MakeValid(gap.g), 3))).geom AS g
    FROM gap
    WHERE gap.g IS NOT NULL
), ins AS (
    INSERT INTO gap_area (analysis_id, geom, area_km2)
    SELECT $1, ST_Multi(p.g), ST_Area(p.g::geography) / 1e6
    FROM parts AS p
    WHERE NOT ST_IsEmpty(p.g) AND ST_Area(p.g::geography) >= 1
    RETURNING area_km2
)
SELECT count(*)::int, COALESCE(sum(area_km2), 0) FROM ins;
