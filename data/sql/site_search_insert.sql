-- Stores a queued site search for carrier $1 with its parameters $2.
INSERT INTO site_search (carrier, params) VALUES ($1, $2)
RETURNING id, created_at;
