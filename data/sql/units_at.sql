-- The admin units in force on day $2 whose geometry covers point $1 (EWKB,
-- EPSG:4326), smallest area first. ST_Covers uses admin_unit_geom_gist.
SELECT code, name, level, COALESCE(parent_code, ''), valid_from, valid_to
FROM admin_unit
WHERE ST_Covers(geom, ST_GeomFromEWKB($1))
  AND valid_from <= $2::date
  AND (valid_to IS NULL OR valid_to > $2::date)
ORDER BY area_m2, code
