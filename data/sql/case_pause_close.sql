-- Resumes case $1's clock at $2.
UPDATE case_pause SET resumed_at = $2 WHERE case_id = $1 AND resumed_at IS NULL
