-- Moves the staged features of one import into zone as layer $1: reads each
-- WKB in the source SRID $2 and transforms it to SRID $3 (EPSG:4326) here,
-- in one pass over the staged rows. An invalid geometry is repaired with
-- ST_MakeValid (method=structure keeps a polygon polygonal and drops what
-- collapses), unless the repair would change what the feature means.
--
-- A feature is rejected (not inserted; the caller then rolls back) when,
-- in this order: it lies outside longitude and latitude ('range'); its
-- bounding box is not within the box [$4, $5, $6, $7] in EPSG:4326, the
-- area of use of the source CRS (skipped when $4 is NULL: 'area'); its
-- repair would turn a hole outside its shell into land, or fill nested
-- rings ('meaning'); it is empty after the repair ('collapsed'); it is
-- still invalid ('invalid'); or, when $8, it intersects no admin unit
-- ('admin', index-backed by admin_unit_geom_gist).
--
-- Returns one row per geometry that was not valid as imported or was
-- rejected: its feature index and name, the ST_IsValidReason of the original ('' if
-- valid), the rejection ('' when repaired) and the centre of its bounding
-- box in EPSG:4326 (NULL when empty).
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
                     THEN 'range'
                WHEN $4::float8 IS NOT NULL AND NOT ST_IsEmpty(c.g)
                     AND NOT (c.g @ ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, $3::int))
                     THEN 'area'
                WHEN c.valid THEN NULL
                WHEN split_part(c.reason, '[', 1) IN ('Hole lies outside shell', 'Holes are nested', 'Nested shells', 'Duplicate Rings')
                     THEN 'meaning'
                WHEN ST_IsEmpty(c.g) THEN 'collapsed'
                WHEN NOT ST_IsValid(c.g) THEN 'invalid'
           END AS rejected
    FROM checked AS c
), placed AS (
    SELECT j.idx, j.category, j.name, j.attributes, j.valid, j.reason, j.g,
           CASE WHEN j.rejected IS NULL AND $8::bool
                     AND NOT EXISTS (SELECT 1 FROM admin_unit AS a WHERE ST_Intersects(a.geom, j.g))
                     THEN 'admin'
                ELSE j.rejected
           END AS rejected
    FROM judged AS j
), ins AS (
    INSERT INTO zone (layer_id, feature_index, category, name, attributes, geom)
    SELECT $1::bigint, idx, category, name, attributes, g
    FROM placed
    WHERE rejected IS NULL
    ORDER BY idx
)
SELECT idx, name, COALESCE(reason, ''), COALESCE(rejected, ''),
       CASE WHEN ST_IsEmpty(g) THEN NULL ELSE (ST_XMin(g) + ST_XMax(g)) / 2 END,
       CASE WHEN ST_IsEmpty(g) THEN NULL ELSE (ST_YMin(g) + ST_YMax(g)) / 2 END
FROM placed
WHERE NOT valid OR rejected IS NOT NULL
ORDER BY idx
