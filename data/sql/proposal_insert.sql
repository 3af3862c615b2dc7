-- Inserts the next revision of (carrier $1, site code $2): site point $3 and
-- footprint $4 (EWKB, EPSG:4326; NULL when none).
INSERT INTO proposal (carrier, site_code, revision, location, footprint, structure, height_m,
                      status, admin_unit, province, verdict, content_hash)
SELECT $1::text, $2::text, COALESCE(max(revision), 0) + 1, ST_GeomFromEWKB($3::bytea), ST_GeomFromEWKB($4::bytea),
       $5::text, $6::float8, $7::text, $8::text, $9::text, $10::text, $11::text
FROM proposal
WHERE carrier = $1 AND site_code = $2
RETURNING id, revision, created_at, updated_at
