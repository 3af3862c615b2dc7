-- A page of the site searches for carrier $1 (every carrier's when ''),
-- newest first ($2 limit, $3 offset), each with the count of all of them.
SELECT s.id, COALESCE(s.job_id, 0), s.params, s.state, s.counts, s.error, s.created_at, s.done_at,
       count(*) OVER () AS total
FROM site_search AS s
WHERE $1::text = '' OR s.carrier = $1::text
ORDER BY s.id DESC
LIMIT $2 OFFSET $3;
