-- Link assessment $2 of proposal $1 to coverage $3, replacing its link.
-- No row comes back when the assessment is not proposal $1's.
INSERT INTO assessment_coverage (assessment_id, proposal_id, coverage_id)
SELECT a.id, a.proposal_id, $3
FROM assessment AS a
WHERE a.id = $2 AND a.proposal_id = $1
ON CONFLICT (assessment_id) DO UPDATE SET coverage_id = EXCLUDED.coverage_id, linked_at = now()
RETURNING assessment_id;
