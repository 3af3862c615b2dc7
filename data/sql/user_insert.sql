-- Inserts user $1 of organization $2 (province $3, disabled $4).
INSERT INTO app_user (name, organization, province, disabled)
VALUES ($1, $2, $3, $4)
RETURNING id, created_at
