-- One authority's consent or refusal of assessment $2 of case $1.
INSERT INTO signature (case_id, assessment_id, authority, consent, user_id, note, signed_at)
VALUES ($1, $2, $3, $4, $5, $6, $7)
RETURNING id
