-- One page of the proposals matching the filter, newest first, each with
-- the total number of matches. An empty $1 (carrier), $2 (status), $3
-- (verdict) or $9 (admin unit code) does not filter; a NULL $4 means no box,
-- else the site lies in the box ($4 $5)-($6 $7) of SRID $8 (EPSG:4326).
-- The admin-unit filter keeps the sites that some version of unit $9
-- covers, so an abolished district still selects its sites. $10 is the page
-- size and $11 the offset.
WITH f AS MATERIALIZED (
    SELECT p.id, p.created_at
    FROM proposal AS p
    WHERE ($1::text = '' OR p.carrier = $1)
      AND ($2::text = '' OR p.status = $2)
      AND ($3::text = '' OR p.verdict = $3)
      AND ($4::float8 IS NULL
           OR p.location && ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, $8::int))
      AND ($9::text = ''
           OR EXISTS (SELECT 1 FROM admin_unit AS u WHERE u.code = $9 AND ST_Covers(u.geom, p.location)))
)
SELECT (SELECT count(*) FROM f),
       p.id, p.carrier, p.site_code, p.revision, ST_AsBinary(p.location), ST_AsBinary(p.footprint),
       p.structure, p.height_m, p.status, p.admin_unit, p.province, COALESCE(p.verdict, ''),
       p.created_at, p.updated_at,
       a.azimuth, a.tilt, a.band, a.eirp, a.tech
FROM (SELECT id FROM f ORDER BY created_at DESC, id DESC LIMIT $10 OFFSET $11) AS pg
JOIN proposal AS p ON p.id = pg.id
CROSS JOIN LATERAL (
    SELECT array_agg(azimuth_deg ORDER BY ordinal) AS azimuth, array_agg(tilt_deg ORDER BY ordinal) AS tilt,
           array_agg(band_mhz ORDER BY ordinal) AS band, array_agg(eirp_dbm ORDER BY ordinal) AS eirp,
           array_agg(technology ORDER BY ordinal) AS tech
    FROM proposal_antenna
    WHERE proposal_id = p.id
) AS a
ORDER BY p.created_at DESC, p.id DESC
