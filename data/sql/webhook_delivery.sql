-- Delivery $1 with what sending it needs: its webhook's URL and secret,
-- and the delivery's status (failed once the webhook is deleted).
SELECT d.id, d.webhook_id, d.case_id, d.event, d.body, d.status, d.created_at, w.url, w.secret
FROM webhook_delivery AS d
JOIN webhook AS w ON w.id = d.webhook_id
WHERE d.id = $1
