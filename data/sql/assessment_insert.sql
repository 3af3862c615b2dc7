-- Inserts an assessment of revision $2 of proposal $1.
INSERT INTO assessment (proposal_id, revision, verdict, rule_set_version, province, admin_unit)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id, created_at
