-- Inserts the cells of network $1's sites, one per element of the arrays
-- $2-$14: the ordinal of the site in its network, then the cell's own
-- ordinal and values. assumed is a comma-separated list of value names.
INSERT INTO network_cell (site_id, ordinal, technology, band_mhz, azimuth_deg, tilt_deg, eirp_dbm, gain_dbi,
                          h_beamwidth_deg, v_beamwidth_deg, omni, assumed, properties)
SELECT s.id, c.ordinal, c.tech, c.band, c.azimuth, c.tilt, c.eirp, c.gain, c.hbw, c.vbw, c.omni,
       COALESCE(string_to_array(NULLIF(c.assumed, ''), ','), '{}'), c.props::jsonb
FROM unnest($2::int[], $3::int[], $4::text[], $5::float8[], $6::float8[], $7::float8[], $8::float8[],
            $9::float8[], $10::float8[], $11::float8[], $12::bool[], $13::text[], $14::text[])
     AS c (site_ord, ordinal, tech, band, azimuth, tilt, eirp, gain, hbw, vbw, omni, assumed, props)
JOIN network_site AS s ON s.network_id = $1 AND s.ordinal = c.site_ord
