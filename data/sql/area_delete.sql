-- Deletes area of interest $1 (kept for the record).
UPDATE area_of_interest SET deleted_at = now() WHERE id = $1 AND deleted_at IS NULL RETURNING id
