-- Stores a queued gap analysis with its parameters $1.
INSERT INTO gap_analysis (params) VALUES ($1)
RETURNING id, created_at;
