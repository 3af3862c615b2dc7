-- Stores a webhook of organization $1 unless it has $6 live ones already
-- (no row then).
INSERT INTO webhook (organization, url, secret, events, created_by)
SELECT $1, $2, $3, $4, $5
WHERE (SELECT count(*) FROM webhook WHERE organization = $1 AND deleted_at IS NULL) < $6
RETURNING id, created_at
