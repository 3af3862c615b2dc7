-- The authorities whose signature assessment $1 needs.
SELECT authority FROM required_signature WHERE assessment_id = $1 ORDER BY authority
