-- The sites of the network versions chosen by $1 (a name; NULL for every
-- current network) and $2 (a version; 0 for the current one), of carrier
-- $3 (NULL for all), whose location is in the box $4-$7 (west, south,
-- east, north in SRID $8; NULL for anywhere), at most $9 (NULL for all),
-- in network and ordinal order. Uses network_site_geom_gist for the box.
SELECT s.id, s.network_id, s.carrier, s.site_code, s.height_m, s.assumed, s.properties, ST_AsBinary(s.geom)
FROM network_site AS s
JOIN network AS n ON n.id = s.network_id
WHERE ($1::text IS NULL AND n.current
       OR n.name = $1 AND ($2::int = 0 AND n.current OR n.version = $2))
  AND ($3::text IS NULL OR s.carrier = $3)
  AND ($4::float8 IS NULL OR s.geom && ST_MakeEnvelope($4, $5, $6, $7, $8))
ORDER BY n.name, s.network_id, s.ordinal
LIMIT $9
