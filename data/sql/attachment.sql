-- Attachment $2 of case $1, with its body only when $3 (a check that it
-- exists reads no megabytes).
SELECT a.id, a.case_id, COALESCE(a.proposal_id, 0), a.user_id, u.name, a.organization, a.filename,
       a.content_type, a.size_bytes, a.sha256, a.created_at,
       CASE WHEN $3::boolean THEN a.body END
FROM case_attachment AS a
JOIN app_user AS u ON u.id = a.user_id
WHERE a.case_id = $1 AND a.id = $2
