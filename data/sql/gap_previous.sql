-- The latest done gap analysis other than $1 with reuse key $2, the one
-- an incremental analysis starts from. Uses gap_analysis_reuse.
SELECT g.id
FROM gap_analysis AS g
WHERE g.reuse_key = $2 AND g.state = 'done' AND g.id <> $1
ORDER BY g.done_at DESC, g.id DESC
LIMIT 1;
