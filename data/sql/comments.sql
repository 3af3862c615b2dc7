-- The comments of case $1, oldest first; internal ones only when $2.
SELECT c.id, c.case_id, COALESCE(c.proposal_id, 0), c.user_id, u.name, c.organization, c.visibility,
       c.body, c.created_at
FROM case_comment AS c
JOIN app_user AS u ON u.id = c.user_id
WHERE c.case_id = $1
  AND (c.visibility = 'case' OR $2::boolean)
ORDER BY c.id
