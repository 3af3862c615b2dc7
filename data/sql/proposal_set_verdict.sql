-- Makes verdict $2 that of proposal $1 (its latest assessment's).
UPDATE proposal SET verdict = $2, updated_at = now() WHERE id = $1
RETURNING id
