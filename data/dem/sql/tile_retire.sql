-- Makes the current version of tile $2 of dataset $1 an old one, before a
-- new version becomes current (dem_tile_current allows one current row).
UPDATE dem_tile SET current = false
WHERE dataset = $1 AND tile = $2 AND current
