-- Inserts the sites of network $1, one per element of the arrays $2-$7,
-- numbered from 0 in array order. assumed is a comma-separated list of
-- value names; the location is EWKB (EPSG:4326).
INSERT INTO network_site (network_id, ordinal, carrier, site_code, height_m, assumed, properties, geom)
SELECT $1::bigint, s.ord - 1, s.carrier, s.code, s.height,
       COALESCE(string_to_array(NULLIF(s.assumed, ''), ','), '{}'),
       s.props::jsonb, ST_GeomFromEWKB(s.geom)
FROM unnest($2::text[], $3::text[], $4::float8[], $5::text[], $6::text[], $7::bytea[])
     WITH ORDINALITY AS s (carrier, code, height, assumed, props, geom, ord)
