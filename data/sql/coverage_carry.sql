-- Carry the coverage of proposal $1's revision $3 over to its new
-- assessment $2 (a re-evaluation of the same site): the coverage belongs to
-- the site, not to the rules that judged it. Nothing happens when no
-- earlier assessment of that revision has a coverage yet.
INSERT INTO assessment_coverage (assessment_id, proposal_id, coverage_id)
SELECT $2, ac.proposal_id, ac.coverage_id
FROM assessment_coverage AS ac
JOIN assessment AS a ON a.id = ac.assessment_id
WHERE ac.proposal_id = $1 AND a.revision = $3 AND a.id <> $2
ORDER BY a.id DESC
LIMIT 1
ON CONFLICT (assessment_id) DO NOTHING;
