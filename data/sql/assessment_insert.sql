-- Inserts an assessment of revision $2 of proposal $1; $7 is its basis
-- (zoning, or gap_fill for a re-evaluation with the proposal's gap fill).
INSERT INTO assessment (proposal_id, revision, verdict, rule_set_version, province, admin_unit, basis)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, created_at
