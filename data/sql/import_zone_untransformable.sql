-- The first staged feature of a layer import that cannot be transformed
-- from SRID $1 to SRID $2, with the south-west corner of its bounding box in the source CRS.
SELECT idx, ST_XMin(ST_GeomFromWKB(wkb)), ST_YMin(ST_GeomFromWKB(wkb))
FROM import_zone_stage
WHERE NOT pg_temp.btsplan_transforms(wkb, $1::int, $2::int)
ORDER BY idx
LIMIT 1
