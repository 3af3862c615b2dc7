-- Inserts a decision on case $1 (proposal $2, assessment $3).
INSERT INTO decision (case_id, proposal_id, assessment_id, decision, authority, user_id, reviewer, note, valid_until, signed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
RETURNING id
