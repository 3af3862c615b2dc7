-- Every network version, newest first within a name.
SELECT id, name, version, current, format, source, licence, province, defaults_version,
       COALESCE(group_distance_m, 0), imported_at, site_count, cell_count, skipped
FROM network
ORDER BY name, version DESC
