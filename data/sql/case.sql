-- Case $1 with the revision number of its current proposal.
SELECT c.id, c.carrier, c.site_code, c.province, c.state, c.version, COALESCE(c.proposal_id, 0),
       COALESCE(p.revision, 0), c.stations, c.clock_working_days, c.clock_started_at, c.clock_stopped_at,
       c.due_date, c.created_at, c.updated_at
FROM review_case AS c
LEFT JOIN proposal AS p ON p.id = c.proposal_id
WHERE c.id = $1
