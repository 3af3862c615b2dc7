-- Moves the staged features of one import into zone as layer $1: reads each
-- WKB in the source SRID $2 and transforms it to SRID $3 (EPSG:4326) here,
-- in one pass over the staged rows. An invalid geometry is repaired with
-- ST_MakeValid (method=structure keeps a polygon polygonal and drops what
-- collapses); one that is still empty or invalid after the repair is not
-- inserted. Returns one row per geometry that was not valid as imported:
-- its feature index, the ST_IsValidReason of the original, whether the
-- repair kept it, and the reason it was rejected when not.
--
-- The OFFSET 0 subqueries keep the planner from copying ST_Transform and
-- ST_IsValid into every expression that reads them.
WITH checked AS (
    SELECT s.idx, s.category, s.name, s.attributes, v.valid,
           CASE WHEN v.valid THEN NULL ELSE ST_IsValidReason(s.g) END AS reason,
           CASE WHEN v.valid THEN s.g ELSE ST_MakeValid(s.g, 'method=structure') END AS g
    FROM (SELECT idx, category, name, attributes, ST_Transform(ST_GeomFromWKB(wkb, $2::int), $3::int) AS g
          FROM import_zone_stage OFFSET 0) AS s
    CROSS JOIN LATERAL (SELECT ST_IsValid(s.g) AS valid OFFSET 0) AS v
), judged AS (
    SELECT c.*,
           CASE WHEN ST_XMin(c.g) < -180 OR ST_XMax(c.g) > 180 OR ST_YMin(c.g) < -90 OR ST_YMax(c.g) > 90
                     THEN 'coordinates outside [-180, 180] x [-90, 90] in EPSG:4326: is the source CRS right? '
                          || 'projected data (such as VN-2000 metres) needs its SRID'
                WHEN c.valid THEN NULL
                WHEN ST_IsEmpty(c.g) THEN 'empty after ST_MakeValid'
                WHEN NOT ST_IsValid(c.g) THEN 'still invalid after ST_MakeValid: ' || ST_IsValidReason(c.g)
           END AS rejected
    FROM checked AS c
), ins AS (
    INSERT INTO zone (layer_id, feature_index, category, name, attributes, geom)
    SELECT $1::bigint, idx, category, name, attributes, g
    FROM judged
    WHERE rejected IS NULL
    ORDER BY idx
)
SELECT idx, COALESCE(reason, ''), COALESCE(rejected, '')
FROM judged
WHERE NOT valid OR rejected IS NOT NULL
ORDER BY idx
