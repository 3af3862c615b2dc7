-- The latest assessment of proposal $1 with the layer versions it read.
SELECT a.id, a.proposal_id, a.revision, a.verdict, a.rule_set_version, a.province, a.admin_unit,
       a.created_at,
       COALESCE(array_agg(l.name ORDER BY l.name) FILTER (WHERE l.id IS NOT NULL), '{}'),
       COALESCE(array_agg(l.version ORDER BY l.name) FILTER (WHERE l.id IS NOT NULL), '{}'),
       a.basis
FROM assessment AS a
LEFT JOIN assessment_layer AS al ON al.assessment_id = a.id
LEFT JOIN layer AS l ON l.id = al.layer_id
WHERE a.id = (SELECT max(id) FROM assessment WHERE proposal_id = $1)
GROUP BY a.id
