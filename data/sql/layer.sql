-- Version $2 of layer $1, or its current version when $2 is 0.
SELECT id, kind, name, version, source, licence, source_srid, imported_at, feature_count, current
FROM layer
WHERE name = $1
  AND (version = $2 OR ($2 = 0 AND current))
