-- Stores an area of interest of authority $1 unless it has $5 live ones
-- already (no row then).
INSERT INTO area_of_interest (organization, name, geom, created_by)
SELECT $1, $2, ST_GeomFromEWKB($3), $4
WHERE (SELECT count(*) FROM area_of_interest WHERE organization = $1 AND deleted_at IS NULL) < $5
RETURNING id, created_at
