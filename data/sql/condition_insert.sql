-- Inserts condition $2 (0-based) of decision $1.
INSERT INTO decision_condition (decision_id, ordinal, type, params, status, note)
VALUES ($1, $2, $3, $4, $5, $6)
RETURNING id
