-- Sets condition $1's status $2 (changed by user $3 at $4), the
-- reviewer's note $5, evidence attachment $6 and the carrier's note $7.
UPDATE decision_condition
SET status = $2, status_changed_by = $3, status_changed_at = $4, status_note = $5,
    evidence_attachment_id = $6, evidence_note = $7
WHERE id = $1
RETURNING id
