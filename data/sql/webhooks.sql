-- The live webhooks of organization $1 (NULL: every one), in id order.
SELECT id, organization, url, secret, events, coalesce(created_by, 0), created_at
FROM webhook
WHERE deleted_at IS NULL AND ($1::text IS NULL OR organization = $1)
ORDER BY id
