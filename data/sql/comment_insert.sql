-- Inserts a comment on case $1 (revision $2) by user $3 of organization $4,
-- visibility $5, text $6, at $7.
INSERT INTO case_comment (case_id, proposal_id, user_id, organization, visibility, body, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id, created_at
