-- The browser test's overdue fixture: three demo cases whose review clock
-- started 60 days ago, so that their 15 working days are long past and
-- GET /v1/cases?overdue=true lists them (and only them). The test reads
-- the site codes from the comment line below; keep the two in step.
-- site codes: SYN-VT-01,SYN-MBF-02,SYN-VNP-03
UPDATE review_case
SET clock_started_at = clock_started_at - interval '60 days',
    due_date = current_date - 30
WHERE site_code IN ('SYN-VT-01', 'SYN-MBF-02', 'SYN-VNP-03');
