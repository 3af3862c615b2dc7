-- Inserts finding number $2 of assessment $1; its geometry $19 is EWKB in
-- EPSG:4326 or NULL. A zone id $8 of 0 and an authority $15 of '' are NULL.
INSERT INTO finding (assessment_id, ordinal, rule_id, severity, layer_name, layer_kind, layer_version,
                     zone_id, feature_name, category, distance_m, overlap_m2, limit_m, excess_m,
                     authority, legal_basis, message_vi, message_en, geom)
VALUES ($1, $2, $3, $4, $5, $6, $7, NULLIF($8::bigint, 0), $9, $10, $11, $12, $13, $14,
        NULLIF($15::text, ''), $16, $17, $18, ST_GeomFromEWKB($19::bytea))
