-- The approved cases (not built) whose latest decision's last valid day
-- is before $1, in id order. review_case_state finds the approved ones.
SELECT c.id
FROM review_case AS c
WHERE c.state IN ('approved', 'approved_with_conditions')
  AND (SELECT d.valid_until FROM decision AS d WHERE d.case_id = c.id ORDER BY d.id DESC LIMIT 1) < $1::date
ORDER BY c.id
