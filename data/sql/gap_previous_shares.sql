-- The villages gap analysis $1 classified, per carrier, with their
-- covered share (NULL for a point).
SELECT v.zone_id, v.carrier, v.covered_share
FROM gap_village AS v
WHERE v.analysis_id = $1;
