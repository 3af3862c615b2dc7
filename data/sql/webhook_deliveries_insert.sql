-- One delivery of body $3 (event $2 of case $1) to every live webhook of
-- an organization concerned: $4 (the carrier, the lead authority), every
-- authority that a finding of the case's latest assessment names, every
-- authority with a live area of interest holding the site. A webhook that
-- names events gets only those. Returns the deliveries' ids.
WITH c AS (
    SELECT proposal_id FROM review_case WHERE id = $1
), concerned AS (
    SELECT unnest($4::text[]) AS org
    UNION
    SELECT f.authority
    FROM c
    JOIN LATERAL (SELECT a.id FROM assessment AS a WHERE a.proposal_id = c.proposal_id ORDER BY a.id DESC LIMIT 1) AS a ON true
    JOIN finding AS f ON f.assessment_id = a.id
    WHERE f.authority IS NOT NULL
    UNION
    -- area_of_interest_geom (partial, live areas) serves the && of ST_Intersects.
    SELECT ai.organization
    FROM c
    JOIN proposal AS p ON p.id = c.proposal_id
    JOIN area_of_interest AS ai ON ai.deleted_at IS NULL AND ST_Intersects(ai.geom, p.location)
)
INSERT INTO webhook_delivery (webhook_id, case_id, event, body, created_at)
SELECT w.id, $1, $2, $3, $5
FROM webhook AS w
WHERE w.deleted_at IS NULL
  AND w.organization IN (SELECT org FROM concerned)
  AND (cardinality(w.events) = 0 OR $2 = ANY (w.events))
ORDER BY w.id
RETURNING id
