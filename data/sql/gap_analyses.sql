-- A page of the gap analyses, newest first ($1 limit, $2 offset), each
-- with the count of all of them.
SELECT g.id, COALESCE(g.job_id, 0), g.params, g.state, g.counts, g.error, g.created_at, g.done_at,
       count(*) OVER () AS total
FROM gap_analysis AS g
ORDER BY g.id DESC
LIMIT $1 OFFSET $2;
