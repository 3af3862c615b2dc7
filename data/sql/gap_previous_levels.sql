-- The levels of the coverages of gap analysis $1 at the settlement points.
SELECT l.carrier, l.input_hash, l.zone_id, l.level_dbm
FROM gap_level AS l
WHERE l.analysis_id = $1;
