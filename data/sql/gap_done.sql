-- Marks gap analysis $1 done with counts $2.
UPDATE gap_analysis SET state = 'done', counts = $2, error = '', done_at = now()
WHERE id = $1
RETURNING id;
