-- The ids of the cases a list selects, oldest first: state $1 ('' for
-- any); only those due before $3 (a date in Vietnam) when $2; and only
-- those the caller may see: every case when $4, else the cases of carrier
-- $5, of province $6 (NULL for none) and, when $7, the decided ones.
-- Page: $8 rows from $9. review_case_due serves the overdue list,
-- review_case_province_state a reviewer's.
SELECT c.id
FROM review_case AS c
WHERE ($1::text = '' OR c.state = $1::text)
  AND (NOT $2::boolean OR c.due_date < $3::date)
  AND ($4::boolean
       OR c.carrier = $5::text
       OR c.province = $6::text
       OR ($7::boolean AND c.state IN ('approved', 'approved_with_conditions', 'rejected',
                                       'relocation_requested', 'expired', 'built')))
ORDER BY c.id
LIMIT $8 OFFSET $9
