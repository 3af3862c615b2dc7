-- Moves case $1 to its new state if it is still at version $2, and
-- increments the version. No row back means a stale version.
UPDATE review_case
SET province = $3, state = $4, proposal_id = $5, stations = $6, clock_working_days = $7,
    clock_started_at = $8, clock_stopped_at = $9, due_date = $10, updated_at = $11,
    version = version + 1
WHERE id = $1 AND version = $2
RETURNING version
