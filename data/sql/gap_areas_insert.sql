-- The gap polygons of analysis $1: the populated area of zones $2 (their
-- polygons, other geometries buffered by $4 m on the ellipsoid) minus the
-- union of the covered areas of coverages $3, one row per connected part
-- of at least 1 m². Returns how many parts and their km².
WITH pop AS (
    SELECT ST_Union(CASE WHEN ST_Dimension(z.geom) = 2 THEN z.geom
                         ELSE ST_Buffer(z.geom::geography, $4::float8)::geometry END) AS g
    FROM zone AS z
    WHERE z.id = ANY($2::bigint[])
), cov AS (
    SELECT ST_Union(c.covered) AS g
    FROM coverage_result AS c, pop
    WHERE c.id = ANY($3::bigint[]) AND c.covered && pop.g
), gap AS (
    SELECT CASE WHEN cov.g IS NULL THEN pop.g ELSE ST_Difference(pop.g, cov.g) END AS g
    FROM pop, cov
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
