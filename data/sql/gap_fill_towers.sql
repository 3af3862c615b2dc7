-- The sites of the current networks within $2 m of point $1 (EWKB,
-- EPSG:4326) whose height is at least $3 m, nearest first, with their
-- distance on the spheroid. Uses network_site_geog_gist through
-- ST_DWithin on the column cast as the index is.
WITH q AS MATERIALIZED (SELECT ST_GeomFromEWKB($1)::geography AS g)
SELECT s.id, s.carrier, s.site_code, s.height_m, ST_Distance(s.geom::geography, q.g) AS distance_m
FROM q
JOIN network_site AS s ON ST_DWithin(s.geom::geography, q.g, $2::float8)
JOIN network AS n ON n.id = s.network_id AND n.current
WHERE s.height_m >= $3::float8
ORDER BY distance_m, s.id;
