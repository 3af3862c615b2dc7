-- The kind of organization $1.
SELECT kind FROM organization WHERE code = $1
