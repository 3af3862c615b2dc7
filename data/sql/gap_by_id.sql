-- Gap analysis $1.
SELECT g.id, COALESCE(g.job_id, 0), g.params, g.state, g.counts, g.error, g.created_at, g.done_at
FROM gap_analysis AS g
WHERE g.id = $1;
