-- Why area $1 (EWKB, EPSG:4326) cannot be stored: the reason PostGIS
-- finds it invalid (NULL when valid), and whether it meets an admin unit
-- in force today of province $2 (NULL: any), through admin_unit_geom_gist.
SELECT CASE WHEN ST_IsValid(g) THEN NULL ELSE ST_IsValidReason(g) END,
       EXISTS (SELECT 1 FROM admin_unit AS u
               WHERE ST_Intersects(u.geom, g)
                 AND ($2::text IS NULL OR u.code = $2 OR u.parent_code = $2)
                 AND u.valid_from <= current_date AND (u.valid_to IS NULL OR u.valid_to > current_date))
FROM (SELECT ST_GeomFromEWKB($1) AS g) AS q
