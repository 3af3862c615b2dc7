-- The extent of an analysis area: admin unit $1 (its version in force, else
-- its latest) when $1 <> '', else the box $2..$5 in SRID $6. No row for an
-- unknown admin unit.
SELECT ST_XMin(a.geom), ST_YMin(a.geom), ST_XMax(a.geom), ST_YMax(a.geom)
FROM (
    (SELECT u.geom FROM admin_unit AS u
     WHERE $1::text <> '' AND u.code = $1::text
     ORDER BY (u.valid_to IS NULL) DESC, u.valid_from DESC
     LIMIT 1)
    UNION ALL
    SELECT ST_MakeEnvelope($2::float8, $3::float8, $4::float8, $5::float8, $6::int) WHERE $1::text = ''
) AS a;
