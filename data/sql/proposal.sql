-- Proposal $1 with its antennas in order.
SELECT p.id, p.carrier, p.site_code, p.revision, ST_AsBinary(p.location), ST_AsBinary(p.footprint),
       p.structure, p.height_m, p.status, p.admin_unit, p.province, COALESCE(p.verdict, ''),
       p.created_at, p.updated_at,
       a.azimuth, a.tilt, a.band, a.eirp, a.tech
FROM proposal AS p
CROSS JOIN LATERAL (
    SELECT array_agg(azimuth_deg ORDER BY ordinal) AS azimuth, array_agg(tilt_deg ORDER BY ordinal) AS tilt,
           array_agg(band_mhz ORDER BY ordinal) AS band, array_agg(eirp_dbm ORDER BY ordinal) AS eirp,
           array_agg(technology ORDER BY ordinal) AS tech
    FROM proposal_antenna
    WHERE proposal_id = p.id
) AS a
WHERE p.id = $1
