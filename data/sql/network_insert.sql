-- Inserts the next version of network $1 as the current one.
INSERT INTO network (name, version, current, format, source, licence, province, defaults_version,
                     group_distance_m, site_count, cell_count, skipped)
SELECT $1::text, COALESCE(max(version), 0) + 1, true, $2::text, $3::text, $4::text, $5::text, $6::text,
       $7::float8, $8::int, $9::int, $10::jsonb
FROM network
WHERE name = $1
RETURNING id, version, imported_at
