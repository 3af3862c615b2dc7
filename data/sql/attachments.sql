-- The attachments of case $1 without their bodies, oldest first.
SELECT a.id, a.case_id, COALESCE(a.proposal_id, 0), a.user_id, u.name, a.organization, a.filename,
       a.content_type, a.size_bytes, a.sha256, a.created_at
FROM case_attachment AS a
JOIN app_user AS u ON u.id = a.user_id
WHERE a.case_id = $1
ORDER BY a.id
