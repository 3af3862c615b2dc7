-- Deletes webhook $1 (kept for its history) and fails its pending
-- deliveries, whose jobs then give up.
WITH w AS (
    UPDATE webhook SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id
), d AS (
    UPDATE webhook_delivery SET status = 'failed', finished_at = now()
    WHERE webhook_id IN (SELECT id FROM w) AND status = 'pending'
)
SELECT id FROM w
