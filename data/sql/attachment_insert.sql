-- Inserts an attachment of case $1 unless the case holds the same bytes
-- (sha256 $9) already: then nothing is inserted and no row returned.
INSERT INTO case_attachment (case_id, proposal_id, user_id, organization, filename, content_type,
                             size_bytes, body, sha256, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (case_id, sha256) DO NOTHING
RETURNING id, created_at
