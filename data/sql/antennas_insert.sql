-- Inserts the antennas of proposal $1, one per element of the arrays $2-$6,
-- numbered from 0 in array order.
INSERT INTO proposal_antenna (proposal_id, ordinal, azimuth_deg, tilt_deg, band_mhz, eirp_dbm, technology)
SELECT $1::bigint, a.ord - 1, a.azimuth, a.tilt, a.band, a.eirp, a.tech
FROM unnest($2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::text[])
     WITH ORDINALITY AS a (azimuth, tilt, band, eirp, tech, ord)
