-- The first staged unit whose code already has a unit in force on some day
-- of [$1, $2) ($2 NULL: open-ended), with that unit's period.
SELECT s.idx, s.code, u.valid_from, u.valid_to
FROM import_admin_stage AS s
JOIN admin_unit AS u ON u.code = s.code
WHERE daterange(u.valid_from, u.valid_to) && daterange($1::date, $2::date)
ORDER BY s.idx
LIMIT 1
