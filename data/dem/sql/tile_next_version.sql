-- The version the next import of tile $2 of dataset $1 gets.
SELECT COALESCE(max(version), 0) + 1
FROM dem_tile
WHERE dataset = $1 AND tile = $2
