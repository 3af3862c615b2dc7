-- Moves the staged units of one import into admin_unit with level $1 and
-- period [$2, $3): reads each WKB in the source SRID $4 and transforms it to
-- SRID $5 (EPSG:4326) here. An invalid geometry is repaired with
-- ST_MakeValid (method=structure keeps it polygonal), unless the repair
-- would change what the unit covers. A unit is rejected, as by
-- import_zones.sql (see there for the codes), when it lies outside
-- longitude and latitude ('range'), outside the box [$6, $7, $8, $9] of the
-- source CRS's area of use ('area', skipped when $6 is NULL), when its
-- repair changes its meaning ('meaning'), when it is empty after the
-- repair ('collapsed') or still invalid ('invalid').
-- Returns one row per geometry that was not valid as imported or was
-- rejected: its feature index and name, the ST_IsValidReason of the original, the
-- rejection ('' when repaired) and the centre of its bounding box.
WITH checked AS (
    SELECT s.idx, s.code, s.name, s.parent, s.attributes, v.valid,
           CASE WHEN v.valid THEN NULL ELSE ST_IsValidReason(s.g) END AS reason,
           ST_Multi(CASE WHEN v.valid THEN s.g
                         ELSE ST_CollectionExtract(ST_MakeValid(s.g, 'method=structure'), 3) END) AS g
    FROM (SELECT idx, code, name, parent, attributes, ST_Transform(ST_GeomFromWKB(wkb, $4::int), $5::int) AS g
          FROM import_admin_stage OFFSET 0) AS s
    CROSS JOIN LATERAL (SELECT ST_IsValid(s.g) AS valid OFFSET 0) AS v
), judged AS (
    SELECT c.*,
           CASE WHEN ST_XMin(c.g) < -180 OR ST_XMax(c.g) > 180 OR ST_YMin(c.g) < -90 OR ST_YMax(c.g) > 90
                     THEN 'range'
                WHEN $6::float8 IS NOT NULL AND NOT ST_IsEmpty(c.g)
                     AND NOT (c.g @ ST_MakeEnvelope($6::float8, $7::float8, $8::float8, $9::float8, $5::int))
                     THEN 'area'
                WHEN c.valid THEN NULL
                WHEN split_part(c.reason, '[', 1) IN ('Hole lies outside shell', 'Holes are nested', 'Nested shells', 'Duplicate Rings')
                     THEN 'meaning'
                WHEN ST_IsEmpty(c.g) THEN 'collapsed'
                WHEN NOT ST_IsValid(c.g) THEN 'invalid'
           END AS rejected
    FROM checked AS c
), ins AS (
    INSERT INTO admin_unit (code, name, level, parent_code, valid_from, valid_to, attributes, geom)
    SELECT code, name, $1::text, parent, $2::date, $3::date, attributes, g
    FROM judged
    WHERE rejected IS NULL
    ORDER BY idx
)
SELECT idx, name, COALESCE(reason, ''), COALESCE(rejected, ''),
       CASE WHEN ST_IsEmpty(g) THEN NULL ELSE (ST_XMin(g) + ST_XMax(g)) / 2 END,
       CASE WHEN ST_IsEmpty(g) THEN NULL ELSE (ST_YMin(g) + ST_YMax(g)) / 2 END
FROM judged
WHERE NOT valid OR rejected IS NOT NULL
ORDER BY idx
