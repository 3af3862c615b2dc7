-- The gap fill of assessment $1.
SELECT f.assessment_id, f.coverage_id, COALESCE(f.gap_analysis_id, 0), f.fill, f.created_at
FROM assessment_gap_fill AS f
WHERE f.assessment_id = $1;
