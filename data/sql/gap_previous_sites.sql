-- The coverages gap analysis $1 used.
SELECT s.carrier, s.input_hash, s.lon, s.lat, s.radius_m, s.threshold_dbm, s.coverage_id
FROM gap_site AS s
WHERE s.analysis_id = $1;
