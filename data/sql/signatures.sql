-- The signatures of assessment $1 with their signers' names, oldest first.
SELECT s.id, s.case_id, s.assessment_id, s.authority, s.consent, s.user_id, u.name, s.note, s.signed_at
FROM signature AS s
JOIN app_user AS u ON u.id = s.user_id
WHERE s.assessment_id = $1
ORDER BY s.id
