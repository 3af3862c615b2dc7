-- The pauses of case $1's clock since it started at $2, in order.
SELECT paused_at, resumed_at
FROM case_pause
WHERE case_id = $1 AND paused_at >= $2
ORDER BY paused_at
