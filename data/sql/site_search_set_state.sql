-- Sets the state $2 (and failure reason $3) of site search $1, unless it
-- is done; a final state records when.
UPDATE site_search
SET state = $2, error = $3,
    done_at = CASE WHEN $2 IN ('done', 'failed', 'cancelled') THEN now() END
WHERE id = $1 AND state <> 'done'
RETURNING id;
