-- Stores a queued gap analysis with its parameters $1 and reuse key $2.
INSERT INTO gap_analysis (params, reuse_key) VALUES ($1, $2)
RETURNING id, created_at;
