-- The cells of the sites $1, in site and ordinal order.
SELECT c.site_id, c.technology, c.band_mhz, c.azimuth_deg, c.tilt_deg, c.eirp_dbm, c.gain_dbi,
       c.h_beamwidth_deg, c.v_beamwidth_deg, c.omni, c.assumed, c.properties
FROM network_cell AS c
WHERE c.site_id = ANY($1::bigint[])
ORDER BY c.site_id, c.ordinal
