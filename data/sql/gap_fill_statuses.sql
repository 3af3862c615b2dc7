-- For each zone of $1 that a done gap analysis classified, its per-carrier
-- results in the latest such analysis (one analysis per village, so that
-- its not-spot class and its carriers agree). Uses gap_village_zone.
WITH latest AS (
    SELECT v.zone_id, max(v.analysis_id) AS analysis_id
    FROM gap_village AS v
    JOIN gap_analysis AS a ON a.id = v.analysis_id AND a.state = 'done'
    WHERE v.zone_id = ANY($1::bigint[])
    GROUP BY v.zone_id
)
SELECT v.zone_id, v.analysis_id, v.carrier, v.status, v.level_dbm, v.not_spot
FROM latest AS l
JOIN gap_village AS v ON v.zone_id = l.zone_id AND v.analysis_id = l.analysis_id
ORDER BY v.zone_id, v.carrier;
