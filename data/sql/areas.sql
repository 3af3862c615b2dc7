-- The live areas of interest of organization $1 (NULL: every one).
SELECT id, organization, name, ST_AsBinary(geom), coalesce(created_by, 0), created_at
FROM area_of_interest
WHERE deleted_at IS NULL AND ($1::text IS NULL OR organization = $1)
ORDER BY id
