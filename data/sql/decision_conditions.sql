-- The conditions of decisions $1, in order.
SELECT decision_id, id, type, params, status, note, COALESCE(status_changed_by, 0), status_changed_at,
       status_note, COALESCE(evidence_attachment_id, 0), evidence_note
FROM decision_condition
WHERE decision_id = ANY($1)
ORDER BY decision_id, ordinal
