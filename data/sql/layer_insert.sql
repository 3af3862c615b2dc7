-- Inserts the next version of layer $2 as the current one.
INSERT INTO layer (kind, name, version, current, source, licence, source_srid, feature_count)
SELECT $1::text, $2::text, COALESCE(max(version), 0) + 1, true, $3::text, $4::text, $5::int, $6::int
FROM layer
WHERE name = $2
RETURNING id, version, imported_at
