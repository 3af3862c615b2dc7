-- Live webhook $1.
SELECT id, organization, url, secret, events, coalesce(created_by, 0), created_at
FROM webhook
WHERE id = $1 AND deleted_at IS NULL
