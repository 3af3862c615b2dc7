-- Records attempt $2 at delivery $1 and, when $7 is not NULL, finishes
-- the delivery with status $7 (unless it is finished already).
WITH a AS (
    INSERT INTO webhook_attempt (delivery_id, attempt, at, status_code, error, duration_ms)
    VALUES ($1, $2, $3, $4, $5, $6)
    ON CONFLICT (delivery_id, attempt) DO UPDATE
        SET at = EXCLUDED.at, status_code = EXCLUDED.status_code, error = EXCLUDED.error, duration_ms = EXCLUDED.duration_ms
)
UPDATE webhook_delivery
SET status = coalesce($7::text, status),
    finished_at = CASE WHEN $7::text IS NULL THEN finished_at ELSE $3 END
WHERE id = $1 AND status = 'pending'
