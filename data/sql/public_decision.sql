-- Decision $1 if its case is now in a decided state.
SELECT d.id, d.case_id, d.proposal_id, coalesce(d.assessment_id, 0), d.decision, d.authority, d.valid_until, d.signed_at,
       c.carrier, c.site_code, c.province, c.state, c.version, p.revision, ST_AsBinary(p.location)
FROM decision AS d
JOIN review_case AS c ON c.id = d.case_id
JOIN proposal AS p ON p.id = d.proposal_id
WHERE d.id = $1
  AND c.state IN ('approved', 'approved_with_conditions', 'rejected', 'relocation_requested', 'expired', 'built')
