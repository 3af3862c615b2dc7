-- Revokes at $4 the unrevoked tokens with id $1 (0: any), lookup prefix $2
-- ('': any) and user name $3 ('': any); the caller sets exactly one.
-- Returns the ids revoked, for the audit row.
UPDATE api_token AS t
SET revoked_at = $4
WHERE t.revoked_at IS NULL
  AND ($1::bigint = 0 OR t.id = $1)
  AND ($2::text = '' OR t.prefix = $2)
  AND ($3::text = '' OR t.user_id = (SELECT u.id FROM app_user AS u WHERE u.name = $3))
RETURNING t.id
