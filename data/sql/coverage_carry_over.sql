-- Link new assessment $1 of proposal $2 to the coverage of the proposal's
-- latest earlier assessment that has one: a re-evaluation assesses the
-- same site, whose coverage it does not change.
INSERT INTO assessment_coverage (assessment_id, proposal_id, coverage_id)
SELECT $1, ac.proposal_id, ac.coverage_id
FROM assessment_coverage AS ac
WHERE ac.proposal_id = $2 AND ac.assessment_id < $1
ORDER BY ac.assessment_id DESC
LIMIT 1;
