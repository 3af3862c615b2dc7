-- Every assessment of proposal $1, newest first (assessment_proposal).
SELECT id, proposal_id, revision, verdict, rule_set_version, province, admin_unit, created_at, basis
FROM assessment
WHERE proposal_id = $1
ORDER BY id DESC
