-- User $1 with its organization's kind and its roles.
SELECT u.id, u.name, u.organization, o.kind, u.province, u.disabled, u.created_at,
       ARRAY(SELECT r.role FROM user_role AS r WHERE r.user_id = u.id ORDER BY r.role)
FROM app_user AS u
JOIN organization AS o ON o.code = u.organization
WHERE u.name = $1
