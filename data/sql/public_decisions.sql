-- Decisions of cases now in a decided state, newest first: of sites in
-- the box $1..$4 (NULL: anywhere; the query box, not the column, is
-- built, so proposal_location_gist serves it), of cases in state $5 (NULL:
-- any decided), signed at or after $6 (NULL: ever); $7 rows after $8.
SELECT d.id, d.case_id, d.proposal_id, coalesce(d.assessment_id, 0), d.decision, d.authority, d.valid_until, d.signed_at,
       c.carrier, c.site_code, c.province, c.state, c.version, p.revision, ST_AsBinary(p.location)
FROM decision AS d
JOIN review_case AS c ON c.id = d.case_id
JOIN proposal AS p ON p.id = d.proposal_id
WHERE c.state IN ('approved', 'approved_with_conditions', 'rejected', 'relocation_requested', 'expired', 'built')
  AND ($1::float8 IS NULL OR p.location && ST_MakeEnvelope($1, $2, $3, $4, $9))
  AND ($5::text IS NULL OR c.state = $5)
  AND ($6::timestamptz IS NULL OR d.signed_at >= $6)
ORDER BY d.signed_at DESC, d.id DESC
LIMIT $7 OFFSET $8
