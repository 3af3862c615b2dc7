-- The organizations of kind $1 ('carrier' or 'authority'; every kind when
-- $1 is ''), by code.
SELECT code, name, kind FROM organization WHERE $1 = '' OR kind = $1 ORDER BY code
