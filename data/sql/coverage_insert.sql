-- Store a coverage unless one with the same input hash ($1) exists; no row
-- comes back then, and the caller reads the stored one.
-- $11..$14: the raster's west, south, east, north; $16: covered (EWKB, 4326).
INSERT INTO coverage_result (input_hash, inputs, model, dem_version, limits, metric, threshold_dbm,
                             area_km2, covered_cells, cell_arcsec, west, south, east, north, files, covered)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, ST_GeomFromEWKB($16))
ON CONFLICT (input_hash) DO NOTHING
RETURNING id, created_at;
