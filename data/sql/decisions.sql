-- The decisions of case $1, oldest first.
SELECT id, case_id, proposal_id, COALESCE(assessment_id, 0), decision, authority, COALESCE(user_id, 0),
       reviewer, note, valid_until, signed_at
FROM decision
WHERE case_id = $1
ORDER BY id
