-- The coverage of input hash $1 with its covered area as WKB.
SELECT c.id, c.input_hash, c.inputs, c.model, c.dem_version, c.limits, c.metric, c.threshold_dbm,
       c.area_km2, c.covered_cells, c.cell_arcsec, c.west, c.south, c.east, c.north, c.files, c.created_at,
       ST_AsBinary(c.covered)
FROM coverage_result AS c
WHERE c.input_hash = $1;
