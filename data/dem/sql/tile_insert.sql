-- Inserts version $3 of tile $2 of dataset $1 as the current one. Its
-- footprint is the box ($17 west, $18 south, $19 east, $20 north) in
-- SRID $21.
INSERT INTO dem_tile (dataset, tile, version, path, source_file, source_format,
                      source_sha256, sha256, bytes, width, height, west, north,
                      step_lon_deg, step_lat_deg, voids, footprint)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
        ST_MakeEnvelope($17, $18, $19, $20, $21))
RETURNING id, imported_at
