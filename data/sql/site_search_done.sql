-- Marks site search $1 done with counts $2, unless it is done already.
UPDATE site_search
SET state = 'done', error = '', counts = $2, done_at = now()
WHERE id = $1 AND state <> 'done'
RETURNING id;
