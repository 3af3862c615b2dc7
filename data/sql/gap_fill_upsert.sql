-- Stores the gap fill $5 of assessment $1 of proposal $2, computed from
-- coverage $3 and gap analysis $4 (NULL for none), replacing an earlier
-- one, and returns when.
INSERT INTO assessment_gap_fill (assessment_id, proposal_id, coverage_id, gap_analysis_id, fill)
VALUES ($1, $2, $3, $4, $5)
ON CONFLICT (assessment_id) DO UPDATE
SET coverage_id = EXCLUDED.coverage_id, gap_analysis_id = EXCLUDED.gap_analysis_id,
    fill = EXCLUDED.fill, created_at = now()
RETURNING created_at;
