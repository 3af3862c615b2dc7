-- Inserts a token of user $1: lookup prefix $2, SHA-256 $3, note $4,
-- expiry $5. Only the hash of the token is ever stored.
INSERT INTO api_token (user_id, prefix, hash, note, expires_at)
VALUES ($1, $2, $3, $4, $5)
RETURNING id, created_at
