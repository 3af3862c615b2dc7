-- A page of webhook $1's deliveries, newest first: $2 rows after $3.
SELECT id, webhook_id, case_id, event, body, status, created_at
FROM webhook_delivery
WHERE webhook_id = $1
ORDER BY id DESC
LIMIT $2 OFFSET $3
