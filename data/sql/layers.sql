-- Every layer version, newest first within a name.
SELECT id, kind, name, version, source, licence, source_srid, imported_at, feature_count, current
FROM layer
ORDER BY name, version DESC
