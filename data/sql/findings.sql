-- The findings of assessment $1 in order, with their geometry as WKB.
SELECT rule_id, severity, layer_name, layer_kind, layer_version, COALESCE(zone_id, 0), feature_name,
       category, distance_m, overlap_m2, limit_m, excess_m, COALESCE(authority, ''), legal_basis,
       message_vi, message_en, ST_AsBinary(geom)
FROM finding
WHERE assessment_id = $1
ORDER BY ordinal
