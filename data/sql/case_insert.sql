-- Inserts a case of carrier $1's site code $2 at version 1.
INSERT INTO review_case (carrier, site_code, province, state, stations, clock_working_days,
                         clock_started_at, clock_stopped_at, due_date, created_at, updated_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10)
RETURNING id, version
