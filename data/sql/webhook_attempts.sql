-- The attempts of deliveries $1, in order.
SELECT delivery_id, attempt, at, coalesce(status_code, 0), error, duration_ms
FROM webhook_attempt
WHERE delivery_id = ANY ($1)
ORDER BY delivery_id, attempt
