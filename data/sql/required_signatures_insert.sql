-- Records that assessment $1 needs the signatures of authorities $2.
INSERT INTO required_signature (assessment_id, authority)
SELECT $1, a FROM unnest($2::text[]) AS a
