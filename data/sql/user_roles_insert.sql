-- Gives user $1 the roles $2 (codes of the role table).
INSERT INTO user_role (user_id, role)
SELECT $1, r FROM unnest($2::text[]) AS r
