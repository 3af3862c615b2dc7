-- Live area of interest $1.
SELECT id, organization, name, ST_AsBinary(geom), coalesce(created_by, 0), created_at
FROM area_of_interest
WHERE id = $1 AND deleted_at IS NULL
