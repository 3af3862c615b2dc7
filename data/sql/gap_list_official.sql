-- What the latest official gap list says of the zones $1: one row per
-- zone it lists, or a single row with a NULL zone when it lists none of
-- them; no row when no list is imported.
WITH latest AS (
    SELECT id, version FROM gap_list ORDER BY version DESC LIMIT 1
)
SELECT latest.version, v.zone_id, v.status, v.listed_on, v.line, v.village
FROM latest
LEFT JOIN gap_list_village AS v ON v.list_id = latest.id AND v.zone_id = ANY($1::bigint[])
ORDER BY v.zone_id
