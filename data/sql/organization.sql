-- The organization with code $1.
SELECT code, name, kind FROM organization WHERE code = $1
