-- Moves the staged units of one import into admin_unit with level $1 and
-- period [$2, $3): reads each WKB in the source SRID $4 and transforms it to
-- SRID $5 (EPSG:4326) here. An invalid geometry is repaired with
-- ST_MakeValid (method=structure keeps it polygonal); one still empty or
-- invalid after the repair is not inserted, and so is one outside the range
-- of longitude and latitude after the transform (a projected file read as
-- degrees). Returns one row per geometry that was not valid as imported or
-- was rejected: its feature index, the ST_IsValidReason
-- of the original, and the reason it was rejected ('' when repaired).
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
                     THEN 'coordinates outside [-180, 180] x [-90, 90] in EPSG:4326: is the source CRS right? '
                          || 'projected data (such as VN-2000 metres) needs its SRID'
                WHEN c.valid THEN NULL
                WHEN ST_IsEmpty(c.g) THEN 'empty after ST_MakeValid'
                WHEN NOT ST_IsValid(c.g) THEN 'still invalid after ST_MakeValid: ' || ST_IsValidReason(c.g)
           END AS rejected
    FROM checked AS c
), ins AS (
    INSERT INTO admin_unit (code, name, level, parent_code, valid_from, valid_to, attributes, geom)
    SELECT code, name, $1::text, parent, $2::date, $3::date, attributes, g
    FROM judged
    WHERE rejected IS NULL
    ORDER BY idx
)
SELECT idx, COALESCE(reason, ''), COALESCE(rejected, '')
FROM judged
WHERE NOT valid OR rejected IS NOT NULL
ORDER BY idx
