-- Site search $1.
SELECT s.id, COALESCE(s.job_id, 0), s.params, s.state, s.counts, s.error, s.created_at, s.done_at
FROM site_search AS s
WHERE s.id = $1;
