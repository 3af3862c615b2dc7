-- The token with lookup prefix $1 (api_token's unique index) and its user,
-- with the user's organization kind and roles: one round trip per cache miss.
SELECT t.id, t.user_id, t.prefix, t.hash, t.note, t.created_at, t.expires_at, t.revoked_at, t.last_used_at,
       u.name, u.organization, o.kind, u.province, u.disabled, u.created_at,
       ARRAY(SELECT r.role FROM user_role AS r WHERE r.user_id = u.id ORDER BY r.role)
FROM api_token AS t
JOIN app_user AS u ON u.id = t.user_id
JOIN organization AS o ON o.code = u.organization
WHERE t.prefix = $1
